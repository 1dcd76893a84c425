import { openaiErrorFormat } from './error-format';
import { setTopLevelFields } from './json-splice';
import { mirrorReasoningText, objectMember } from './json-scan';
import { openaiDataErrorFrame, openaiProjectHeader } from './openai-common';
import { sseData } from './sse';
import { isBareMessage, upstreamStreamError, UPSTREAM_STREAM_ERROR } from './stream-errors';
import { ObserverBase } from './observer-base';
import type { ApiSurface, ExchangeContext, JsonObject, PreparedExchange } from './surface';
import { tokenCount, type Usage } from '../kernel/usage';

const HAS_USAGE_OBJECT = /"usage"\s*:\s*\{/;
const HAS_REASONING = /"reasoning"\s*:/;

/** The usage object of a whole Chat Completions body, parsed alone. */
function parseUsage(text: string): Usage | undefined {
  const usage = objectMember(text, 'usage');
  if (!usage) return undefined;
  try {
    return chatUsage(JSON.parse(usage));
  } catch {
    return undefined;
  }
}

/** Chat Completions usage: `prompt_tokens` already includes the cached ones. */
export function chatUsage(usage: unknown): Usage | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  // Untrusted JSON read field by field: tokenCount() checks every value it takes.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const u = usage as Record<string, any>;
  return {
    inputTokens: tokenCount(u.prompt_tokens),
    cachedInputTokens: tokenCount(u.prompt_tokens_details?.cached_tokens),
    cacheWriteTokens: 0,
    outputTokens: tokenCount(u.completion_tokens),
    reasoningTokens: tokenCount(u.completion_tokens_details?.reasoning_tokens),
  };
}

class ChatObserver extends ObserverBase {
  public constructor(private readonly clientWantsUsage: boolean) {
    super();
  }

  public json(body: Buffer): Buffer {
    // Only the usage object is parsed; reasoning is mirrored by a textual splice.
    const text = body.toString('utf8');
    this.seen = parseUsage(text) ?? this.seen;
    if (!HAS_REASONING.test(text)) return body;
    const mirrored = mirrorReasoningText(text);
    return mirrored === text ? body : Buffer.from(mirrored);
  }

  public event(raw: Buffer): Buffer | null {
    // Cheap scans first: most chunks carry neither usage nor reasoning and pass untouched.
    const text = raw.toString('utf8');
    const usage = HAS_USAGE_OBJECT.test(text);
    const reasoning = HAS_REASONING.test(text);
    if (!usage && !reasoning) {
      if (text.includes('[DONE]') && sseData(raw) === '[DONE]') this.done = true;
      else if (text.includes('"error"')) this.noteError(raw);
      else if (text.includes('"message"') && !text.includes('"choices"')) return this.normaliseBareMessage(raw);
      return raw;
    }
    if (usage) {
      // Once a stream: the usage chunk is parsed whole, to read it and to know whether it is usage-only.
      let chunk: JsonObject;
      try {
        chunk = JSON.parse(sseData(raw) ?? '') as JsonObject;
      } catch {
        return raw;
      }
      this.seen = chatUsage(chunk.usage) ?? this.seen;
      if (!this.clientWantsUsage && Array.isArray(chunk.choices) && chunk.choices.length === 0) return null;
    }
    if (!reasoning) return raw;
    const mirrored = mirrorReasoningText(text);
    return mirrored === text ? raw : Buffer.from(mirrored);
  }

  /** A bare `{"message"}` frame is Mantle's malformed error: re-emit it as a proper error frame. */
  private normaliseBareMessage(raw: Buffer): Buffer {
    let data: unknown;
    try {
      data = JSON.parse(sseData(raw) ?? '');
    } catch {
      return raw;
    }
    if (!isBareMessage(data)) return raw;
    this.failed = UPSTREAM_STREAM_ERROR;
    this.done = true;
    return openaiDataErrorFrame(upstreamStreamError(data.message));
  }

  /** Mantle reports a mid-stream failure as a data frame holding an error object; the stream ends there. */
  private noteError(raw: Buffer): void {
    try {
      const chunk = JSON.parse(sseData(raw) ?? '') as { error?: { code?: unknown; type?: unknown } | string };
      if (chunk.error) {
        this.failed = typeof chunk.error === 'object' ? String(chunk.error.code ?? chunk.error.type ?? 'upstream_error') : 'upstream_error';
        this.done = true;
      }
    } catch {
      // not JSON: not an error frame
    }
  }
}

/** POST /v1/chat/completions → `{P}/chat/completions`. */
export const chatCompletions: ApiSurface = {
  api: 'chat',
  operation: 'chat',
  errorFormat: openaiErrorFormat,
  generates: true,
  choosePrefix: (policy, model) => policy.choose(model, 'chat'),
  upstreamPath: (prefix) => `${prefix}/chat/completions`,
  upstreamHeaders: openaiProjectHeader,
  prepare(body: JsonObject, raw: Buffer, { model }: ExchangeContext): PreparedExchange {
    const stream = body.stream === true;
    const fields: Record<string, unknown> = { model: model.model.modelId };
    let clientWantsUsage = true;
    if (stream) {
      // Mantle is always asked for usage so cost is recorded; the client sees the usage chunk only if it asked.
      const options = body.stream_options && typeof body.stream_options === 'object' ? (body.stream_options as JsonObject) : {};
      clientWantsUsage = options.include_usage === true;
      if (!clientWantsUsage) fields.stream_options = { ...options, include_usage: true };
    }
    return { body: setTopLevelFields(raw, fields), stream, observer: new ChatObserver(clientWantsUsage) };
  },
  inBandError: openaiDataErrorFrame,
};
