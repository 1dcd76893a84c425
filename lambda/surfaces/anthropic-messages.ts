import { OpenAIPrefix } from '../kernel/openai-prefix';
import type { PrefixChoice } from '../routing/path-prefix';
import type { ResolvedModel } from '../config/gateway-config';
import type { GatewayError } from '../kernel/errors';
import { anthropicErrorFormat } from './error-format';
import { setTopLevelFields } from './json-splice';
import { sseData, sseEventName, sseFrame } from './sse';
import { isBareMessage, upstreamStreamError, UPSTREAM_STREAM_ERROR } from './stream-errors';
import { ObserverBase } from './observer-base';
import type { ApiSurface, ExchangeContext, ExchangeObserver, JsonObject, PreparedExchange } from './surface';
import { tokenCount, ZERO_USAGE, type Usage } from '../kernel/usage';

/** The API version sent when the client sent none. */
export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';

interface AnthropicTokens {
  input?: number;
  cacheRead?: number;
  cacheWrite?: number;
  output?: number;
}

function readTokens(into: AnthropicTokens, usage: unknown): void {
  if (!usage || typeof usage !== 'object') return;
  const u = usage as Record<string, unknown>;
  if (u.input_tokens !== undefined && u.input_tokens !== null) into.input = tokenCount(u.input_tokens);
  if (u.cache_read_input_tokens !== undefined && u.cache_read_input_tokens !== null) into.cacheRead = tokenCount(u.cache_read_input_tokens);
  if (u.cache_creation_input_tokens !== undefined && u.cache_creation_input_tokens !== null) into.cacheWrite = tokenCount(u.cache_creation_input_tokens);
  if (u.output_tokens !== undefined && u.output_tokens !== null) into.output = tokenCount(u.output_tokens);
}

/** Messages usage in the gateway's terms: `input_tokens` excludes cache reads and writes, so they are added. */
export function messagesUsage(t: AnthropicTokens): Usage {
  const cached = t.cacheRead ?? 0;
  const written = t.cacheWrite ?? 0;
  return {
    inputTokens: (t.input ?? 0) + cached + written,
    cachedInputTokens: cached,
    cacheWriteTokens: written,
    outputTokens: t.output ?? 0,
    reasoningTokens: 0,
  };
}

/** Reads usage from `message_start` merged with `message_delta` (or a whole message); bytes pass untouched. */
class MessagesObserver extends ObserverBase {
  private readonly tokens: AnthropicTokens = {};
  private any = false;

  public json(body: Buffer): Buffer {
    try {
      readTokens(this.tokens, (JSON.parse(body.toString('utf8')) as JsonObject).usage);
      this.any = true;
    } catch {
      // not JSON: nothing to read
    }
    return body;
  }

  public event(raw: Buffer): Buffer | null {
    const name = sseEventName(raw);
    if (name === 'message_start' || name === 'message_delta' || name === 'error') {
      let data: JsonObject | undefined;
      try {
        data = JSON.parse(sseData(raw) ?? '') as JsonObject;
      } catch {
        data = undefined;
      }
      if (name === 'message_start') readTokens(this.tokens, (data?.message as JsonObject | undefined)?.usage);
      if (name === 'message_delta') readTokens(this.tokens, data?.usage);
      if (name === 'error') {
        this.done = true;
        const inner = data?.error as JsonObject | undefined;
        if (!inner || typeof inner.type !== 'string') {
          // Malformed (a bare {"message"} or a string): re-emitted in the Anthropic error shape.
          this.failed = UPSTREAM_STREAM_ERROR;
          return inBandError(upstreamStreamError(isBareMessage(data) ? data.message : data));
        }
        this.failed = inner.type;
      }
      this.any = true;
    } else if (name === 'message_stop') this.done = true;
    return raw;
  }

  public override usage(): Usage | undefined {
    return this.any ? messagesUsage(this.tokens) : undefined;
  }
}

/** Passes a count_tokens answer through; it generates nothing, so it records zero tokens. */
class CountTokensObserver implements ExchangeObserver {
  public json(body: Buffer): Buffer {
    return body;
  }
  public event(raw: Buffer): Buffer {
    return raw;
  }
  public usage(): Usage {
    return ZERO_USAGE;
  }
  public completed(): boolean {
    return true;
  }
  public failure(): undefined {
    return undefined;
  }
}

/** Messages has one path on Mantle: no prefix to choose, nothing to retry. */
const FIXED_PREFIX: PrefixChoice = { prefix: OpenAIPrefix.v1, retryOther: false };

function anthropicHeaders(_model: ResolvedModel, clientHeaders: Readonly<Record<string, string>>): Record<string, string> {
  return { 'anthropic-version': clientHeaders['anthropic-version'] ?? DEFAULT_ANTHROPIC_VERSION };
}

function inBandError(error: GatewayError): Buffer {
  return sseFrame(JSON.stringify(anthropicErrorFormat.body(error)), 'error');
}

function prepareWith(observer: () => ExchangeObserver) {
  return (body: JsonObject, raw: Buffer, { model }: ExchangeContext): PreparedExchange => ({
    body: setTopLevelFields(raw, { model: model.model.modelId }),
    stream: body.stream === true,
    observer: observer(),
  });
}

/** POST /v1/messages → `/anthropic/v1/messages`. */
export const anthropicMessages: ApiSurface = {
  api: 'messages',
  operation: 'messages',
  errorFormat: anthropicErrorFormat,
  generates: true,
  choosePrefix: () => FIXED_PREFIX,
  upstreamPath: () => '/anthropic/v1/messages',
  upstreamHeaders: anthropicHeaders,
  prepare: prepareWith(() => new MessagesObserver()),
  inBandError,
};

/** POST /v1/messages/count_tokens → `/anthropic/v1/messages/count_tokens`. */
export const anthropicCountTokens: ApiSurface = {
  api: 'messages',
  operation: 'count_tokens',
  errorFormat: anthropicErrorFormat,
  generates: false,
  choosePrefix: () => FIXED_PREFIX,
  upstreamPath: () => '/anthropic/v1/messages/count_tokens',
  upstreamHeaders: anthropicHeaders,
  prepare: prepareWith(() => new CountTokensObserver()),
  inBandError,
};
