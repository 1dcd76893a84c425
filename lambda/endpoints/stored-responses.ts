import { forwardedHeaders } from '../upstream/forwarded-headers';
import { responses } from '../surfaces/responses';
import { authorizeRequest } from './authorize';
import { relayAnswer, upstreamRequestIdOf } from './relay-answer';
import { ExchangeResponseIds, openStoredResponse } from './response-id-codec';
import { endpoint, type Endpoint } from './services';
import { admitUnderLimits } from './limits-gate';
import { REQUEST_ONLY } from '../limits/amounts';

/** The follow-ups on a stored response, by their path after `/responses/{id}`. */
export const StoredResponseAction = { retrieve: '', inputItems: '/input_items', cancel: '/cancel' } as const;
export type StoredResponseAction = (typeof StoredResponseAction)[keyof typeof StoredResponseAction];

/**
 * GET/DELETE /v1/responses/{id}, GET …/input_items, POST …/cancel: the id says which account,
 * region and prefix created the response; only its creator (or an admin) who may still use that
 * account reaches it. These requests generate nothing and record zero tokens.
 */
export function storedResponse(method: 'GET' | 'DELETE' | 'POST', action: StoredResponseAction): Endpoint {
  return endpoint(responses, async (ctx, services, params) => {
    const { request, record, exchange } = ctx;
    const { config, principal } = await authorizeRequest(ctx, services);
    const clientId = params.id!;
    const { ref, account } = openStoredResponse(clientId, principal, config);
    exchange.target({ account: account.name, region: ref.region }, false);
    await admitUnderLimits(ctx, services, { config, principal, account: account.name, amounts: REQUEST_ONLY, price: undefined, background: false });
    const auth = await record.time('credentials', () => services.credentials.forAccount(account, principal));
    const headers = forwardedHeaders(request.headers);
    const body = method === 'POST' ? (request.body.length ? request.body : Buffer.from('{}')) : Buffer.alloc(0);
    if (method === 'POST') headers['content-type'] = 'application/json';
    else delete headers['content-type'];
    if (account.project) headers['openai-project'] = account.project;
    const sentAt = performance.now();
    const { response } = await services.forwarder.forward({
      method,
      surface: responses,
      account,
      region: ref.region,
      prefix: { prefix: ref.prefix, retryOther: false },
      modelId: '-',
      auth,
      headers,
      body,
      suffix: `/${encodeURIComponent(ref.upstreamId)}${action}`,
      ...(request.query ? { query: request.query } : {}),
      deadline: ctx.deadline,
    });
    record.setPhase('upstreamFirstByte', performance.now() - sentAt);
    exchange.routed(ref.prefix, upstreamRequestIdOf(response));
    const ids = new ExchangeResponseIds(config, principal, account, exchange);
    return relayAnswer(ctx, response, responses, responses.followUp!(ids, ref.upstreamId, clientId), {
      streamIdleTimeoutMs: services.settings.streamIdleTimeoutMs,
      generatesNothing: true,
    });
  });
}
