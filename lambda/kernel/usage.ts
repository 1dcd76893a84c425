/**
 * Token usage in the gateway's own terms, the same on every surface: `inputTokens` counts every input
 * token (cached or not), `cachedInputTokens` and `cacheWriteTokens` are parts of it; `outputTokens`
 * counts every output token and `reasoningTokens` is the part spent on reasoning.
 */
export interface Usage {
  readonly inputTokens: number;
  readonly cachedInputTokens: number;
  readonly cacheWriteTokens: number;
  readonly outputTokens: number;
  readonly reasoningTokens: number;
}

/** Usage for requests that generate nothing. */
export const ZERO_USAGE: Usage = { inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 };

/** A non-negative integer from an untrusted field, else 0. */
export function tokenCount(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}
