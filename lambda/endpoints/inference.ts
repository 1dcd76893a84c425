import type { Principal } from '../auth/principal';
import type { GatewayConfig, ResolvedModel } from '../config/gateway-config';
import type { Price } from '../config/schema';
import type { RequestContext } from '../http/request-context';
import { GatewayError, InvalidRequestError } from '../kernel/errors';
import { REQUEST_ONLY, reservationOf } from '../limits/amounts';
import { LimitExceededError } from '../limits/limit-errors';
import type { Admission } from '../limits/admission';
import { resolveTargets } from '../routing/resolve-model';
import type { ApiSurface, JsonObject } from '../surfaces/surface';
import { forwardedHeaders } from '../upstream/forwarded-headers';
import { retryAfterMs } from '../upstream/retry-policy';
import { priceOf } from '../usage/cost';
import { authorizeRequest } from './authorize';
import { admitUnderLimits } from './limits-gate';
import { relayAnswer, upstreamRequestIdOf } from './relay-answer';
import { jsonObjectBody, requestedModel } from './request-body';
import { ExchangeResponseIds, openStoredResponse } from './response-id-codec';
import { endpoint, type Endpoint, type GatewayServices } from './services';

/** Upstream failures after which a group moves on to its next target (a first-byte timeout never moves: it may be billed). */
const MOVES_ON = new Set([429, 500, 502, 503, 504]);
const NEVER_MOVES = new Set<string>(['upstream_timeout', 'deadline_exceeded']);

function movesOn(error: unknown): error is GatewayError {
  return error instanceof GatewayError && MOVES_ON.has(error.status) && !NEVER_MOVES.has(error.code);
}

/** The targets that may serve this request: the model's `apis`, and a `previous_response_id` pin. */
function eligibleTargets(
  surface: ApiSurface,
  requested: string,
  targets: readonly ResolvedModel[],
  grouped: boolean,
  body: JsonObject,
  principal: Principal,
  config: GatewayConfig,
): ResolvedModel[] {
  let eligible = targets.filter((t) => !t.model.apis || t.model.apis.includes(surface.api));
  if (eligible.length === 0) {
    const model = targets[0]!;
    const allows = grouped ? 'none of its targets offers it' : `it allows: ${model.model.apis!.join(', ')}`;
    throw new InvalidRequestError(`The model '${grouped ? requested : model.id}' is not offered on this API; ${allows}.`, 'unsupported_api', {
      param: 'model',
    });
  }
  // A chain goes on where its response lives: the target (account) that created it.
  if (grouped && typeof body.previous_response_id === 'string') {
    const { ref } = openStoredResponse(body.previous_response_id, principal, config);
    eligible = eligible.filter((t) => t.account.name === ref.account).slice(0, 1);
    if (eligible.length === 0) {
      throw new InvalidRequestError('The previous_response_id belongs to an account none of the group’s targets uses.', 'invalid_previous_response', {
        param: 'previous_response_id',
      });
    }
  }
  return eligible;
}

/** Each price component at its highest among the targets (undefined when one has no price): a reservation never underprices. */
export function dearestPrice(prices: readonly (Price | undefined)[]): Price | undefined {
  if (prices.some((p) => p === undefined)) return undefined;
  const all = prices as readonly Price[];
  const max = (f: (p: Price) => number): number => Math.max(...all.map(f));
  return {
    input: max((p) => p.input),
    cachedInput: max((p) => p.cachedInput ?? p.input),
    cacheWrite: max((p) => p.cacheWrite ?? p.input),
    output: max((p) => p.output),
  };
}

/** Of several refusals, the one the client gets: the last, or for throttles the one asking the shortest wait. */
function finalRefusal(errors: readonly GatewayError[]): GatewayError {
  const throttles = errors.filter((e) => e.status === 429 && e.headers['retry-after'] !== undefined);
  if (throttles.length === 0) return errors.at(-1)!;
  return throttles.reduce((a, b) => ((retryAfterMs(b.headers['retry-after']) ?? Infinity) < (retryAfterMs(a.headers['retry-after']) ?? Infinity) ? b : a));
}

/**
 * An inference route (Chat Completions, Responses, Messages, count_tokens): authenticate, resolve the
 * model or group, admit under limits, obtain credentials, forward, and relay the answer. A group's
 * targets are tried in its order before the first byte (SPEC section 14). Everything that differs
 * between the APIs is in `surface`.
 */
export function inference(surface: ApiSurface): Endpoint {
  return endpoint(surface, async (ctx, services) => {
    const { request } = ctx;
    const { config, principal } = await authorizeRequest(ctx, services);
    const body = jsonObjectBody(request, services.settings.maxRequestBytes);
    const requested = requestedModel(body);
    const { group, targets } = resolveTargets(requested, principal, config);
    const eligible = eligibleTargets(surface, requested, targets, group !== undefined, body, principal, config);
    if (!group) return callTarget(ctx, services, surface, body, config, principal, eligible[0]!, undefined);

    // Limits on the group's name and on subjects are reserved once, for the request.
    const dearest = dearestPrice(eligible.map((t) => priceOf(t.model)));
    await admitUnderLimits(ctx, services, {
      config,
      principal,
      groupName: group.name,
      amounts: surface.generates ? reservationOf(request.body.length, body, eligible[0]!.model, dearest) : REQUEST_ONLY,
      price: dearest,
      background: body.background === true,
    });
    const ordered = services.targets.order(group, eligible);
    const refusals: GatewayError[] = [];
    for (const [i, target] of ordered.entries()) {
      const last = i === ordered.length - 1;
      try {
        const answer = await callTarget(ctx, services, surface, body, config, principal, target, { name: group.name, fallbacks: i, last });
        return answer;
      } catch (error) {
        if (error instanceof LimitExceededError && !last) {
          refusals.push(error);
          continue; // this target's own limits lack room: skipped like a cooling one
        }
        if (!movesOn(error)) throw error;
        // Every 429 cools its target, the last one too (a limit's own 429 is not the target's).
        if (error.status === 429 && !(error instanceof LimitExceededError)) services.targets.cool(target, retryAfterMs(error.headers['retry-after']));
        refusals.push(error);
        if (last) throw finalRefusal(refusals);
      }
    }
    throw finalRefusal(refusals);
  });
}

/** Where a group's attempt stands. */
interface GroupAttempt {
  readonly name: string;
  /** Targets tried before this one. */
  readonly fallbacks: number;
  readonly last: boolean;
}

/** One target: its limits, its credentials, the call, and the relay. */
async function callTarget(
  ctx: RequestContext,
  services: GatewayServices,
  surface: ApiSurface,
  body: JsonObject,
  config: GatewayConfig,
  principal: Principal,
  model: ResolvedModel,
  group: GroupAttempt | undefined,
) {
  const { request, record, exchange } = ctx;
  const ids = new ExchangeResponseIds(config, principal, model.account, exchange);
  const prepared = surface.prepare(body, request.body, { model, responseIds: ids });
  const region = prepared.region ?? model.region;
  const price = priceOf(model.model);
  const amounts = surface.generates ? reservationOf(request.body.length, body, model.model, price) : REQUEST_ONLY;
  const route = { account: model.account.name, model, region };
  let admission: Admission | undefined;
  try {
    // A group's target reserves only the limits on its account or model (the rest were reserved once).
    admission = await admitUnderLimits(ctx, services, {
      config,
      principal,
      account: model.account.name,
      model,
      amounts,
      price,
      background: body.background === true,
      ...(group ? { targetOf: group.name } : {}),
    });
    const auth = await record.time('credentials', () => services.credentials.forAccount(model.account, principal));
    const headers = { ...forwardedHeaders(request.headers), ...surface.upstreamHeaders(model, request.headers), 'content-type': 'application/json' };
    const sentAt = performance.now();
    const { response, prefix } = await services.forwarder.forward({
      method: 'POST',
      surface,
      account: model.account,
      region,
      prefix: surface.choosePrefix(services.prefixes, model),
      onPrefixLearned: (learned) => services.prefixes.learn(model, surface.api, learned),
      modelId: model.model.modelId,
      auth,
      headers,
      body: prepared.body,
      deadline: ctx.deadline,
      ...(group && !group.last ? { retryThrottles: false } : {}),
    });
    record.setPhase('upstreamFirstByte', performance.now() - sentAt);
    exchange.target(route, prepared.stream);
    exchange.routed(prefix, upstreamRequestIdOf(response));
    if (group) {
      exchange.note('group', group.name);
      exchange.note('fallbacks', group.fallbacks);
    }
    const answer = await relayAnswer(ctx, response, surface, prepared.observer, { streamIdleTimeoutMs: services.settings.streamIdleTimeoutMs });
    return { ...answer, headers: { ...answer.headers, ...admission.headers } };
  } catch (error) {
    if (!exchange.route && (!group || group.last || !movesOn(error))) {
      // The request ends here: the record names the target that refused it.
      exchange.target(route, prepared.stream);
      if (group) {
        exchange.note('group', group.name);
        exchange.note('fallbacks', group.fallbacks);
      }
    } else if (group && movesOn(error)) {
      // Moving on: Mantle refused before inference, so this target's reservation settles as the request alone.
      void admission?.settle(REQUEST_ONLY);
    }
    throw error;
  }
}
