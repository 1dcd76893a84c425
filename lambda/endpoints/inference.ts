import { InvalidRequestError } from '../kernel/errors';
import { forwardedHeaders } from '../upstream/forwarded-headers';
import { resolveModel } from '../routing/resolve-model';
import type { ApiSurface } from '../surfaces/surface';
import { authorizeRequest } from './authorize';
import { relayAnswer, upstreamRequestIdOf } from './relay-answer';
import { jsonObjectBody, requestedModel } from './request-body';
import { ExchangeResponseIds } from './response-id-codec';
import { endpoint, type Endpoint } from './services';
import { admitUnderLimits } from './limits-gate';
import { REQUEST_ONLY, reservationOf } from '../limits/amounts';
import { priceOf } from '../usage/cost';

/**
 * An inference route (Chat Completions, Responses, Messages, count_tokens): authenticate, resolve
 * the model, check its `apis`, obtain credentials, forward, and relay the answer. Everything that
 * differs between the APIs is in `surface`.
 */
export function inference(surface: ApiSurface): Endpoint {
  return endpoint(surface, async (ctx, services) => {
    const { request, record, exchange } = ctx;
    const { config, principal } = await authorizeRequest(ctx, services);
    const body = jsonObjectBody(request, services.settings.maxRequestBytes);
    const model = resolveModel(requestedModel(body), principal, config);
    if (model.model.apis && !model.model.apis.includes(surface.api)) {
      throw new InvalidRequestError(`The model '${model.id}' is not offered on this API; it allows: ${model.model.apis.join(', ')}.`, 'unsupported_api', {
        param: 'model',
      });
    }
    const ids = new ExchangeResponseIds(config, principal, model.account, exchange);
    const prepared = surface.prepare(body, request.body, { model, responseIds: ids });
    const region = prepared.region ?? model.region;
    exchange.target({ account: model.account.name, model, region }, prepared.stream);
    const price = priceOf(model.model);
    const amounts = surface.generates ? reservationOf(request.body.length, body, model.model, price) : REQUEST_ONLY;
    const admission = await admitUnderLimits(ctx, services, {
      config,
      principal,
      account: model.account.name,
      model,
      amounts,
      price,
      background: body.background === true,
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
    });
    record.setPhase('upstreamFirstByte', performance.now() - sentAt);
    exchange.routed(prefix, upstreamRequestIdOf(response));
    const answer = await relayAnswer(ctx, response, surface, prepared.observer, { streamIdleTimeoutMs: services.settings.streamIdleTimeoutMs });
    return { ...answer, headers: { ...answer.headers, ...admission.headers } };
  });
}
