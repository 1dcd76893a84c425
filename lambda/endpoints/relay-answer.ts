import type { IncomingMessage } from 'node:http';
import type { RequestContext } from '../http/request-context';
import type { GatewayResponse } from '../http/response';
import { relaySse } from '../http/sse-relay';
import type { ApiSurface, ExchangeObserver } from '../surfaces/surface';
import { readBody } from '../upstream/http-client';

const EVENT_STREAM = /^text\/event-stream/i;

/**
 * Turns Mantle's 2xx answer into the client's response: an SSE stream relayed event by event
 * through the observer, or a whole body passed through it. Usage and the stream's outcome go to
 * the request's record when the answer ends.
 */
export async function relayAnswer(
  ctx: RequestContext,
  response: IncomingMessage,
  surface: ApiSurface,
  observer: ExchangeObserver,
  streamIdleTimeoutMs: number,
): Promise<GatewayResponse> {
  const { record, request } = ctx;
  const upstreamId = response.headers['x-amzn-requestid'] ?? response.headers['x-request-id'];
  if (typeof upstreamId === 'string') record.upstreamRequestId = upstreamId;
  const contentType = response.headers['content-type'] ?? 'application/json';
  const statusCode = response.statusCode ?? 200;

  if (EVENT_STREAM.test(contentType)) {
    const relayStartMs = performance.now() - request.startedAt;
    const body = relaySse(response, surface, observer, {
      idleTimeoutMs: streamIdleTimeoutMs,
      deadline: ctx.deadline,
      onEnd: (outcome) => {
        record.usage = observer.usage();
        if (outcome.firstByteMs !== undefined) record.firstByteMs = relayStartMs + outcome.firstByteMs;
        if (outcome.error) {
          record.error = outcome.error;
          record.inBandError = true;
          record.partial = !observer.completed() || observer.failure() === undefined;
        }
      },
    });
    const headers: Record<string, string> = { 'content-type': contentType, 'cache-control': 'no-cache' };
    return { statusCode, headers, body };
  }
  const idleTimeoutMs = Math.max(1, Math.min(streamIdleTimeoutMs, ctx.deadline - Date.now()));
  const body = observer.json(await readBody(response, { capBytes: Number.POSITIVE_INFINITY, idleTimeoutMs }));
  record.usage = observer.usage();
  return { statusCode, headers: { 'content-type': contentType }, body };
}
