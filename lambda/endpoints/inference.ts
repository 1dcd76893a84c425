import { InvalidRequestError } from '../http/errors';
import { relaySse } from '../http/sse-relay';
import { readBody } from '../upstream/http-client';
import { forwardedHeaders } from '../upstream/forwarded-headers';
import { resolveModel } from '../routing/resolve-model';
import type { ApiSurface } from '../surfaces/surface';
import { authorizeRequest } from './authorize';
import { jsonObjectBody, requestedModel } from './request-body';
import type { Endpoint } from './services';

const EVENT_STREAM = /^text\/event-stream/i;

/**
 * An inference route (Chat Completions, Responses, Messages, count_tokens): authenticate, resolve
 * the model, check its `apis`, obtain credentials, forward, and relay the answer. Everything that
 * differs between the APIs is in `surface`.
 */
export function inference(surface: ApiSurface): Endpoint {
  return async (ctx, services) => {
    const { request, record } = ctx;
    ctx.errorFormat = surface.errorFormat;
    record.api = surface.operation;
    const { config, principal } = await authorizeRequest(ctx, services);
    const body = jsonObjectBody(request, services.settings.maxRequestBytes);
    const model = resolveModel(requestedModel(body), principal, config);
    record.model = model;
    if (model.model.apis && !model.model.apis.includes(surface.api)) {
      throw new InvalidRequestError(`The model '${model.id}' is not offered on this API; it allows: ${model.model.apis.join(', ')}.`, 'unsupported_api', { param: 'model' });
    }
    const prepared = surface.prepare(body, request.body, model);
    record.stream = prepared.stream;
    const auth = await record.time('credentials', () => services.credentials.forAccount(model.account, principal));
    const headers = { ...forwardedHeaders(request.headers), ...surface.upstreamHeaders(model, request.headers), 'content-type': 'application/json' };
    const sentAt = performance.now();
    const { response } = await services.forwarder.forward({ method: 'POST', surface, model, auth, headers, body: prepared.body });
    record.setPhase('upstreamFirstByte', performance.now() - sentAt);
    const upstreamId = response.headers['x-amzn-requestid'] ?? response.headers['x-request-id'];
    if (typeof upstreamId === 'string') record.upstreamRequestId = upstreamId;
    const contentType = response.headers['content-type'] ?? 'application/json';

    if (EVENT_STREAM.test(contentType)) {
      const relayStartMs = performance.now() - request.startedAt;
      const stream = relaySse(response, surface, prepared.observer, {
        idleTimeoutMs: services.settings.streamIdleTimeoutMs,
        onEnd: (outcome) => {
          record.usage = prepared.observer.usage();
          if (outcome.firstByteMs !== undefined) record.firstByteMs = relayStartMs + outcome.firstByteMs;
          if (outcome.error) {
            record.error = outcome.error;
            record.inBandError = true;
            record.partial = true;
          }
        },
      });
      const streamHeaders: Record<string, string> = { 'content-type': contentType, 'cache-control': 'no-cache' };
      return { statusCode: response.statusCode ?? 200, headers: streamHeaders, body: stream };
    }
    const out = prepared.observer.json(await readBody(response, Number.POSITIVE_INFINITY));
    record.usage = prepared.observer.usage();
    return { statusCode: response.statusCode ?? 200, headers: { 'content-type': contentType }, body: out };
  };
}
