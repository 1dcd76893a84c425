import type { IncomingMessage } from 'node:http';
import type { RequestContext } from '../http/request-context';
import type { GatewayResponse } from '../http/response';
import { relaySse } from '../http/sse-relay';
import { ZERO_USAGE } from '../kernel/usage';
import type { ApiSurface, ExchangeObserver } from '../surfaces/surface';
import { readBody } from '../upstream/http-client';

const EVENT_STREAM = /^text\/event-stream/i;

/** Options of one relay. */
export interface RelayAnswerOptions {
  readonly streamIdleTimeoutMs: number;
  /** Record zero tokens whatever the answer says (follow-ups on stored responses generate nothing). */
  readonly generatesNothing?: boolean;
}

/**
 * Turns Mantle's 2xx answer into the client's response: an SSE stream relayed event by event
 * through the observer, or a whole body passed through it. How the answer ended goes to the
 * exchange once, when it ended.
 */
export async function relayAnswer(
  ctx: RequestContext,
  response: IncomingMessage,
  surface: ApiSurface,
  observer: ExchangeObserver,
  options: RelayAnswerOptions,
): Promise<GatewayResponse> {
  const { exchange, request } = ctx;
  const contentType = response.headers['content-type'] ?? 'application/json';
  const statusCode = response.statusCode ?? 200;
  const usage = () => (options.generatesNothing ? ZERO_USAGE : observer.usage());

  if (EVENT_STREAM.test(contentType)) {
    const relayStartMs = performance.now() - request.startedAt;
    const body = relaySse(response, surface, observer, {
      idleTimeoutMs: options.streamIdleTimeoutMs,
      deadline: ctx.deadline,
      onEnd: (outcome) => {
        exchange.answered({
          usage: usage(),
          ...(outcome.firstByteMs !== undefined ? { firstByteMs: relayStartMs + outcome.firstByteMs } : {}),
          ...(outcome.error ? { inBandError: outcome.error, partial: !observer.completed() || observer.failure() === undefined } : {}),
          ...(outcome.closed ? { clientClosed: true, partial: true } : {}),
        });
      },
    });
    const headers: Record<string, string> = { 'content-type': contentType, 'cache-control': 'no-cache' };
    return { statusCode, headers, body };
  }
  const idleTimeoutMs = Math.max(1, Math.min(options.streamIdleTimeoutMs, ctx.deadline - Date.now()));
  const body = observer.json(await readBody(response, { capBytes: Number.POSITIVE_INFINITY, idleTimeoutMs }));
  exchange.answered({ usage: usage() });
  return { statusCode, headers: { 'content-type': contentType }, body };
}

/** Mantle's request id of an answer, for the record. */
export function upstreamRequestIdOf(response: IncomingMessage): string | undefined {
  const id = response.headers['x-amzn-requestid'] ?? response.headers['x-request-id'];
  return typeof id === 'string' ? id : undefined;
}
