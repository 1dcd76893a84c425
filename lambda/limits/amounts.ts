import { catalogEntry } from '../catalog/model-catalog';
import type { ModelConfig, Price } from '../config/schema';
import type { JsonObject } from '../kernel/api';
import type { Usage } from '../kernel/usage';

/** What one request counts against a limit: requests, tokens (input + output), and spend in nano-dollars. */
export interface Amounts {
  readonly requests: number;
  readonly tokens: number;
  /** USD × 10⁹: exact integers for every price with up to three decimals per million tokens. */
  readonly usdNanos: number;
}

/** Output cap assumed when the client set none and the catalog knows no maximum. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 32_768;
/** Bytes of UTF-8 per token the input estimate assumes at most (never less than bytes / 4 tokens). */
const BYTES_PER_TOKEN = 4;
const NANOS_PER_USD_PER_MILLION = 1_000; // 1 token at p USD per million = p × 1000 nano-dollars

/** Only the request itself (count_tokens, stored-response follow-ups). */
export const REQUEST_ONLY: Amounts = { requests: 1, tokens: 0, usdNanos: 0 };

/** The output cap a request sets, else the model's maximum, else DEFAULT_MAX_OUTPUT_TOKENS. */
export function outputCap(body: JsonObject, model: Pick<ModelConfig, 'modelId'>): number {
  for (const field of ['max_tokens', 'max_completion_tokens', 'max_output_tokens']) {
    const value = body[field];
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return Math.ceil(value);
  }
  return catalogEntry(model.modelId)?.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS;
}

/** Nano-dollars of `usage` at `price` (section 6's formula, in integers). */
export function usdNanos(usage: Usage, price: Price): number {
  const uncached = Math.max(0, usage.inputTokens - usage.cachedInputTokens - usage.cacheWriteTokens);
  return Math.round(
    (uncached * price.input +
      usage.cachedInputTokens * (price.cachedInput ?? price.input) +
      usage.cacheWriteTokens * (price.cacheWrite ?? price.input) +
      usage.outputTokens * price.output) *
      NANOS_PER_USD_PER_MILLION,
  );
}

/**
 * What a model call reserves: the input estimated from the body's size (UTF-8 bytes / 4, rounded
 * up) plus the output cap, priced with the dearest input price (a cache write can cost more than
 * plain input), so a request that uses what it reserved never costs more than its reservation.
 */
export function reservationOf(bodyBytes: number, body: JsonObject, model: Pick<ModelConfig, 'modelId'>, price: Price | undefined): Amounts {
  const input = Math.ceil(bodyBytes / BYTES_PER_TOKEN);
  const output = outputCap(body, model);
  const inputPrice = price ? Math.max(price.input, price.cachedInput ?? 0, price.cacheWrite ?? 0) : 0;
  return {
    requests: 1,
    tokens: input + output,
    usdNanos: price ? Math.round((input * inputPrice + output * price.output) * NANOS_PER_USD_PER_MILLION) : 0,
  };
}

/** What a finished request really used. */
export function usedAmounts(usage: Usage, price: Price | undefined): Amounts {
  return { requests: 1, tokens: usage.inputTokens + usage.outputTokens, usdNanos: price ? usdNanos(usage, price) : 0 };
}
