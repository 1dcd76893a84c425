import { createHash } from 'node:crypto';
import type { StateTable } from '../aws/state-table';
import type { LimitConfig } from '../config/schema';
import type { Amounts } from './amounts';
import { windowOf, type CounterWindow } from './window';

/** A quantity a limit bounds, and the counter attribute it lives in. */
export const QUANTITIES = [
  { field: 'requests', attribute: 'requests' },
  { field: 'tokens', attribute: 'tokens' },
  { field: 'usdNanos', attribute: 'usdNanos' },
] as const satisfies readonly { field: keyof Amounts; attribute: string }[];
export type Quantity = (typeof QUANTITIES)[number]['field'];

/** Per-subject counters of one limit window are spread over this many partitions (hash of the subject). */
export const SUBJECT_BUCKETS = 16;
/** Counters outlive their window by this long before TTL may delete them (reads ignore old windows anyway). */
const KEEP_AFTER_WINDOW_SECONDS = 86_400;
const NANOS_PER_USD = 1e9;

/** The bounds of a limit in counter units (usd as nano-dollars). */
export function boundsOf(limit: LimitConfig): Partial<Record<Quantity, number>> {
  return {
    ...(limit.requests !== undefined ? { requests: limit.requests } : {}),
    ...(limit.tokens !== undefined ? { tokens: limit.tokens } : {}),
    ...(limit.usd !== undefined ? { usdNanos: Math.round(limit.usd * NANOS_PER_USD) } : {}),
  };
}

/** How many counters a limit is spread over (pooled limits only). */
export function shardsOf(limit: LimitConfig): number {
  return limit.pooled ? (limit.shards ?? 1) : 1;
}

/** Shard `i`'s share of `bound`: the shares add up to the bound exactly. */
export function shardShare(bound: number, shards: number, i: number): number {
  return Math.floor(bound / shards) + (i < bound % shards ? 1 : 0);
}

/** Which counter item holds a limit's use in a window. */
export interface CounterKey {
  readonly pk: string;
  readonly sk: string;
  readonly shard: number;
  readonly window: CounterWindow;
}

function bucketOf(subject: string): number {
  return createHash('sha256').update(subject).digest()[0]! % SUBJECT_BUCKETS;
}

/**
 * The counters of limits in the state table. A pooled limit counts in `pk = limit#<name>#<window>#pool#<shard>`;
 * a per-subject one in `pk = limit#<name>#<window>#subjects#<bucket>`, `sk = <subject>`, so one
 * window's subjects spread over SUBJECT_BUCKETS partitions and can still be listed (top users).
 */
export class LimitCounters {
  public constructor(private readonly table: StateTable) {}

  public keyOf(limit: LimitConfig, subject: string, shard: number, nowMs: number): CounterKey {
    const window = windowOf(limit.per, nowMs);
    if (limit.pooled) return { pk: `limit#${limit.name}#${window.key}#pool#${shard}`, sk: '-', shard, window };
    return { pk: `limit#${limit.name}#${window.key}#subjects#${bucketOf(subject)}`, sk: subject, shard: 0, window };
  }

  /**
   * Adds `amounts` to the counter if every bounded quantity stays within its share of the bound:
   * one conditional update. Resolves with the counter after it, or undefined when it was refused.
   */
  public reserve(limit: LimitConfig, key: CounterKey, amounts: Amounts): Promise<Record<string, string | number> | undefined> {
    const bounds = boundsOf(limit);
    const shards = shardsOf(limit);
    const add: Record<string, number> = {};
    const atMost: Record<string, number> = {};
    // Only what the limit bounds is counted (and requests, always): a requests-only limit then
    // needs no settlement write at all.
    for (const q of QUANTITIES) {
      const bound = bounds[q.field];
      if (bound === undefined && q.field !== 'requests') continue;
      add[q.attribute] = amounts[q.field];
      if (bound !== undefined) atMost[q.attribute] = shardShare(bound, shards, key.shard) - amounts[q.field];
    }
    return this.table.addTo({ pk: key.pk, sk: key.sk, add, atMost, expiresAt: this.expiry(key) });
  }

  /** Adds `delta` to what the limit counts, unconditionally (a release, or a settlement replacing a reservation by the use). */
  public async adjust(limit: LimitConfig, key: CounterKey, delta: Amounts): Promise<void> {
    const bounds = boundsOf(limit);
    const add: Record<string, number> = {};
    for (const q of QUANTITIES) if (delta[q.field] !== 0 && (bounds[q.field] !== undefined || q.field === 'requests')) add[q.attribute] = delta[q.field];
    if (Object.keys(add).length === 0) return;
    await this.table.addTo({ pk: key.pk, sk: key.sk, add, expiresAt: this.expiry(key) });
  }

  /** One counter's amounts. */
  public async read(key: CounterKey): Promise<Amounts> {
    return amountsOf(await this.table.get(key.pk, key.sk));
  }

  /** A limit's use in the current window for a subject (pooled: the whole pool, every shard). */
  public async used(limit: LimitConfig, subject: string, nowMs: number): Promise<Amounts> {
    const keys = Array.from({ length: shardsOf(limit) }, (_, i) => this.keyOf(limit, subject, i, nowMs));
    const items = await Promise.all(keys.map((k) => this.table.get(k.pk, k.sk, nowMs / 1000)));
    return items.reduce<Amounts>((sum, item) => addAmounts(sum, amountsOf(item)), { requests: 0, tokens: 0, usdNanos: 0 });
  }

  /** A per-subject limit's users in the current window, most used first. */
  public async topUsers(limit: LimitConfig, nowMs: number, count: number): Promise<{ subject: string; used: Amounts }[]> {
    const window = windowOf(limit.per, nowMs);
    const buckets = await Promise.all(
      Array.from({ length: SUBJECT_BUCKETS }, (_, b) => this.table.query(`limit#${limit.name}#${window.key}#subjects#${b}`, nowMs / 1000)),
    );
    const rows = buckets.flat().map((item) => ({ subject: String(item.sk), used: amountsOf(item) }));
    const rank = (a: Amounts): number[] => [a.usdNanos, a.tokens, a.requests];
    rows.sort((x, y) => {
      const [a, b] = [rank(x.used), rank(y.used)];
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return b[i]! - a[i]!;
      return 0;
    });
    return rows.slice(0, count);
  }

  private expiry(key: CounterKey): number {
    return Math.ceil(key.window.endsAt / 1000) + KEEP_AFTER_WINDOW_SECONDS;
  }
}

/** The amounts an item holds (absent attributes are 0). */
export function amountsOf(item: Readonly<Record<string, string | number>> | undefined): Amounts {
  const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  return { requests: n(item?.requests), tokens: n(item?.tokens), usdNanos: n(item?.usdNanos) };
}

export function addAmounts(a: Amounts, b: Amounts): Amounts {
  return { requests: a.requests + b.requests, tokens: a.tokens + b.tokens, usdNanos: a.usdNanos + b.usdNanos };
}

export function subtractAmounts(a: Amounts, b: Amounts): Amounts {
  return { requests: a.requests - b.requests, tokens: a.tokens - b.tokens, usdNanos: a.usdNanos - b.usdNanos };
}

export function negate(a: Amounts): Amounts {
  return { requests: -a.requests, tokens: -a.tokens, usdNanos: -a.usdNanos };
}
