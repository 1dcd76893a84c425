import { openaiErrorFormat } from './error-format';
import { setTopLevelFields } from './json-splice';
import { openaiProjectHeader } from './openai-common';
import { sseData, sseEventName, sseFrame } from './sse';
import { isBareMessage, upstreamStreamError, UPSTREAM_STREAM_ERROR } from './stream-errors';
import type { GatewayError } from '../kernel/errors';
import { ObserverBase } from './observer-base';
import type { ApiSurface, ExchangeContext, JsonObject, PreparedExchange, ResponseIdCodec } from './surface';
import { tokenCount, type Usage } from '../kernel/usage';

const TERMINAL_EVENTS = new Set(['response.completed', 'response.incomplete', 'response.failed', 'error']);

/** Responses usage: `input_tokens` includes the cached ones. */
export function responsesUsage(usage: unknown): Usage | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  // Untrusted JSON read field by field: tokenCount() checks every value it takes.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const u = usage as Record<string, any>;
  return {
    inputTokens: tokenCount(u.input_tokens),
    cachedInputTokens: tokenCount(u.input_tokens_details?.cached_tokens),
    cacheWriteTokens: 0,
    outputTokens: tokenCount(u.output_tokens),
    reasoningTokens: tokenCount(u.output_tokens_details?.reasoning_tokens),
  };
}

/**
 * Watches a Responses answer: swaps Mantle's response ids for the gateway's (so what the client
 * sends back later can be routed), and reads usage from the terminal event.
 */
class ResponsesObserver extends ObserverBase {
  private readonly swaps = new Map<string, string>();
  private learned = false;

  public constructor(
    private readonly ids: ResponseIdCodec,
    private readonly countUsage: boolean,
    known: readonly (readonly [upstream: string, client: string])[] = [],
  ) {
    super();
    for (const [upstream, client] of known) this.swaps.set(upstream, client);
  }

  public json(body: Buffer): Buffer {
    let parsed: JsonObject;
    try {
      parsed = JSON.parse(body.toString('utf8')) as JsonObject;
    } catch {
      return body;
    }
    this.learn(parsed);
    if (this.countUsage) this.seen = responsesUsage(parsed.usage) ?? this.seen;
    return this.swap(body);
  }

  public event(raw: Buffer): Buffer | null {
    const name = sseEventName(raw);
    const terminal = name !== undefined && TERMINAL_EVENTS.has(name);
    const unnamed = name === undefined && raw.includes('"message"');
    if (!this.learned || terminal || unnamed) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(sseData(raw) ?? '');
      } catch {
        parsed = undefined;
      }
      // Mantle's malformed error frames: an error event whose data is a string, or a bare {"message"}.
      if ((name === 'error' && (typeof parsed === 'string' || isBareMessage(parsed))) || (unnamed && isBareMessage(parsed))) {
        this.done = true;
        this.failed = UPSTREAM_STREAM_ERROR;
        return responsesInBandError(upstreamStreamError(typeof parsed === 'string' ? parsed : (parsed as { message: unknown }).message));
      }
      const data = parsed && typeof parsed === 'object' ? (parsed as JsonObject) : undefined;
      const response = data?.response as JsonObject | undefined;
      if (response) this.learn(response);
      if (terminal) {
        this.done = true;
        if (this.countUsage && response) this.seen = responsesUsage(response.usage) ?? this.seen;
        if (name === 'response.failed') this.failed = String((response?.error as JsonObject | undefined)?.code ?? 'response_failed');
        if (name === 'error') this.failed = typeof data?.code === 'string' ? data.code : 'upstream_error';
      }
    }
    return this.swap(raw);
  }

  private learn(response: JsonObject): void {
    const id = response.id;
    if (typeof id === 'string' && id.startsWith('resp') && !this.swaps.has(id)) {
      this.swaps.set(id, this.ids.toClient(id));
    }
    if (typeof id === 'string') this.learned = true;
  }

  /** Replaces each known Mantle id, as a whole JSON string, by the gateway's. */
  private swap(bytes: Buffer): Buffer {
    let text: string | undefined;
    for (const [upstream, client] of this.swaps) {
      const quoted = `"${upstream}"`;
      if (bytes.indexOf(quoted) === -1 && (text === undefined || !text.includes(quoted))) continue;
      text ??= bytes.toString('utf8');
      text = text.split(quoted).join(`"${client}"`);
    }
    return text === undefined ? bytes : Buffer.from(text);
  }
}

/** The Responses stream's in-band error event. */
function responsesInBandError(error: GatewayError): Buffer {
  return sseFrame(JSON.stringify({ type: 'error', code: error.code, message: error.message, param: error.param }), 'error');
}

/** POST /v1/responses → `{P}/responses`; follow-ups on stored responses use the same path. */
export const responses: ApiSurface = {
  api: 'responses',
  operation: 'responses',
  errorFormat: openaiErrorFormat,
  generates: true,
  choosePrefix: (policy, model) => policy.choose(model, 'responses'),
  upstreamPath: (prefix) => `${prefix}/responses`,
  upstreamHeaders: openaiProjectHeader,
  prepare(body: JsonObject, raw: Buffer, { model, responseIds }: ExchangeContext): PreparedExchange {
    const fields: Record<string, unknown> = { model: model.model.modelId };
    const known: [string, string][] = [];
    let region: string | undefined;
    if (typeof body.previous_response_id === 'string') {
      const previous = responseIds.fromClient(body.previous_response_id, 'previous_response_id');
      fields.previous_response_id = previous.upstreamId;
      known.push([previous.upstreamId, body.previous_response_id]);
      region = previous.region;
    }
    return {
      body: setTopLevelFields(raw, fields),
      stream: body.stream === true,
      observer: new ResponsesObserver(responseIds, true, known),
      ...(region ? { region } : {}),
    };
  },
  followUp: (ids, upstreamId, clientId) => new ResponsesObserver(ids, false, [[upstreamId, clientId]]),
  inBandError: responsesInBandError,
};
