/**
 * Fault injection, driven by an `x_sim` object in the request body (unknown fields pass through the
 * gateway untouched, so a test can steer the simulator through it).
 */
export interface FaultSpec {
  /** Answer with this status and a Mantle-style error body. */
  readonly status?: number;
  /** With `status`: only the first N requests carrying the same `key` fail. */
  readonly failFirst?: number;
  readonly key?: string;
  /** Retry-After header (seconds) on the error. */
  readonly retryAfter?: number;
  /** Wait before answering at all. */
  readonly delayMs?: number;
  /** Wait between stream events. */
  readonly eventDelayMs?: number;
  /** Close the connection (mid-body) after this many stream events (a whole body: after half of it). */
  readonly resetAfterEvents?: number;
  /** Stop sending (keeping the connection open) after this many stream events (a whole body: after half of it). */
  readonly stallAfterEvents?: number;
  /** Close the connection without answering (with `failFirst`/`key`: only the first N times). */
  readonly drop?: boolean;
  /** After the first event, send a malformed error frame (as Mantle sometimes does) and end. */
  readonly malformedError?: boolean;
  /** Stamp each stream event's JSON with `sim_t`, the epoch ms (fractional) it was sent: benchmarks measure per-chunk delay with it. */
  readonly stampEvents?: boolean;
  /** Report this many prompt tokens as read from the cache. */
  readonly cachedTokens?: number;
  /** Report this many prompt tokens as written to the cache (Messages). */
  readonly cacheWriteTokens?: number;
  /** Answer 429 (with `retryAfter`, default 5 s) when the request reached one of these regions: a region's quota used up. */
  readonly throttleRegions?: readonly string[];
}

/** The fault spec of a body, if any. */
export function faultOf(body: Record<string, unknown>): FaultSpec {
  const spec = body.x_sim;
  return spec && typeof spec === 'object' && !Array.isArray(spec) ? (spec as FaultSpec) : {};
}

/** Counts failures per key for `failFirst`. */
export class FaultCounter {
  private readonly counts = new Map<string, number>();

  /** True when this request should fail (with `status`, or by dropping the connection). */
  public shouldFail(spec: FaultSpec): boolean {
    if (spec.status === undefined && !spec.drop) return false;
    if (spec.failFirst === undefined) return true;
    const key = spec.key ?? '';
    const n = this.counts.get(key) ?? 0;
    this.counts.set(key, n + 1);
    return n < spec.failFirst;
  }
}
