/** Statuses worth another attempt: throttling and transient server failures (SPEC section 10). */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);
/** First backoff step; each attempt doubles it, with full jitter. */
export const BASE_BACKOFF_MS = 100;
/** Longest backoff step. */
export const MAX_BACKOFF_MS = 2_000;
/**
 * Longest wait the gateway spends before another attempt. A Retry-After asking for more is honoured
 * by not retrying: the 429 goes to the client with the header, and the client decides.
 */
export const MAX_INTERNAL_WAIT_MS = 2_000;

/** Full-jitter exponential backoff for the given attempt (1 = after the first failure). */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** (attempt - 1)));
}

/** Milliseconds a `Retry-After` header asks for (seconds or an HTTP date), if it says. */
export function retryAfterMs(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}
