import { TableUnavailableError } from '../aws/state-table';
import type { LimitConfig } from '../config/schema';
import { ErrorCode } from '../kernel/errors';
import { logger, type Logger } from '../kernel/log';
import type { Exchange } from '../surfaces/exchange';
import type { Amounts } from './amounts';
import {
  amountsOf,
  boundsOf,
  LimitCounters,
  negate,
  QUANTITIES,
  shardsOf,
  shardShare,
  subtractAmounts,
  type CounterKey,
  type Quantity,
} from './limit-counters';
import { LimitExceededError, RequestExceedsLimitError, StateUnavailableError } from './limit-errors';
import { resetDuration } from './window';

/** What to settle a reservation with: what the request used, or `keep` when that is not known. */
export type Settlement = Amounts | 'keep';

/** An admitted request: the headers its answer carries, and how its reservations are settled. */
export interface Admission {
  /** OpenAI's `x-ratelimit-*` headers, from the applying limit with the least left. */
  readonly headers: Readonly<Record<string, string>>;
  /** Replaces the reservations by what the request used (at most once; never throws). */
  settle(settlement: Settlement): Promise<void>;
}

/** No applying limit, or limits skipped while the table is unreachable: nothing to settle. */
export const NO_ADMISSION: Admission = { headers: {}, settle: async () => undefined };

interface Taken {
  readonly limit: LimitConfig;
  readonly key: CounterKey;
  readonly after: Readonly<Record<string, string | number>>;
}

type Attempt = { readonly taken: Taken } | { readonly refused: LimitConfig; readonly key: CounterKey };

/** How many shards of a sharded pool a reservation tries before it is refused. */
const MAX_SHARD_TRIES = 2;

const UNIT: Readonly<Record<Quantity, string>> = { requests: 'requests', tokens: 'tokens', usdNanos: 'USD' };

function describe(quantity: Quantity, bound: number): string {
  return quantity === 'usdNanos' ? `$${(bound / 1e9).toFixed(2)}` : `${bound} ${UNIT[quantity]}`;
}

/**
 * Admission under limits (SPEC section 12): before Mantle is called, every applying limit is
 * reserved with one conditional update, all in parallel; when one refuses, the ones taken are
 * released and the request is refused with 429. No interleaving can admit past a bound, because
 * each counter's update checks and adds in one step. When the answer ends, each reservation is
 * replaced by the use (one unconditional update per limit), off the client's path.
 */
export class LimitAdmission {
  public constructor(
    private readonly counters: LimitCounters,
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
    private readonly log: Logger = logger,
  ) {}

  /**
   * Reserves `amounts` in every limit of `limits` (already filtered to those that apply). Throws
   * RequestExceedsLimitError, LimitExceededError (429) or, with `limitStoreFailure: deny` and the
   * table unreachable, StateUnavailableError; notes `limit` / `limitStore` on the exchange.
   */
  public async admit(
    limits: readonly LimitConfig[],
    subject: string,
    amounts: Amounts,
    exchange: Exchange,
    onStoreFailure: 'allow' | 'deny',
  ): Promise<Admission> {
    if (limits.length === 0) return NO_ADMISSION;
    for (const limit of limits) this.checkFits(limit, amounts);
    const now = this.now();
    const attempts = await Promise.allSettled(limits.map((limit) => this.reserveOne(limit, subject, amounts, now)));
    const taken = attempts.flatMap((a) => (a.status === 'fulfilled' && 'taken' in a.value ? [a.value.taken] : []));
    const unavailable = attempts.find((a): a is PromiseRejectedResult => a.status === 'rejected');
    const refused = attempts.flatMap((a) => (a.status === 'fulfilled' && 'refused' in a.value ? [a.value] : []));
    if (unavailable || refused.length) this.release(taken, amounts);
    if (unavailable) {
      if (!(unavailable.reason instanceof TableUnavailableError)) throw unavailable.reason;
      if (onStoreFailure === 'deny') throw new StateUnavailableError('limits', unavailable.reason);
      exchange.note('limitStore', 'unavailable');
      this.log.log('WARN', 'limits skipped: the state table is unreachable', { error: unavailable.reason.message });
      return NO_ADMISSION;
    }
    if (refused.length) {
      const first = refused[0]!;
      exchange.note('limit', first.refused.name);
      throw await this.refusal(first.refused, first.key, amounts, now);
    }
    let settled = false;
    return {
      headers: this.headers(taken, now),
      // At most once: a group target settled when the request moved on is not settled again at the end.
      settle: (settlement) => {
        if (settled) return Promise.resolve();
        settled = true;
        return this.settle(taken, amounts, settlement);
      },
    };
  }

  /** A request whose own reservation is larger than a limit's bound (or its shard's share) can never pass. */
  private checkFits(limit: LimitConfig, amounts: Amounts): void {
    const bounds = boundsOf(limit);
    const shards = shardsOf(limit);
    for (const q of QUANTITIES) {
      const bound = bounds[q.field];
      if (bound === undefined) continue;
      const share = shardShare(bound, shards, 0);
      if (amounts[q.field] > share) {
        const part = shards > 1 ? ` (one of its ${shards} shards holds ${describe(q.field, share)})` : '';
        throw new RequestExceedsLimitError(
          limit.name,
          `This request alone reserves ${describe(q.field, amounts[q.field])}, more than the limit '${limit.name}' allows per ${limit.per} (${describe(q.field, bound)})${part}; ask for fewer output tokens (max_tokens) or send less.`,
        );
      }
    }
  }

  private async reserveOne(limit: LimitConfig, subject: string, amounts: Amounts, now: number): Promise<Attempt> {
    const shards = shardsOf(limit);
    const first = shards > 1 ? Math.floor(this.random() * shards) : 0;
    let key = this.counters.keyOf(limit, subject, first, now);
    for (let i = 0; i < Math.min(shards, MAX_SHARD_TRIES); i++) {
      key = this.counters.keyOf(limit, subject, (first + i) % shards, now);
      const after = await this.counters.reserve(limit, key, amounts);
      if (after) return { taken: { limit, key, after } };
    }
    return { refused: limit, key };
  }

  /** Gives back reservations (best effort, in the background: a failure leaves them counted, never under). */
  private release(taken: readonly Taken[], amounts: Amounts): void {
    for (const t of taken) void this.counters.adjust(t.limit, t.key, negate(amounts)).catch(() => undefined);
  }

  private async refusal(limit: LimitConfig, key: CounterKey, amounts: Amounts, now: number): Promise<LimitExceededError> {
    const bounds = boundsOf(limit);
    const resetsAt = new Date(key.window.endsAt).toISOString().replace('.000Z', 'Z');
    const retryAfter = Math.max(1, Math.ceil((key.window.endsAt - now) / 1000));
    // Which quantity ran out: read once, on the refusal path only (unreadable: name the first bounded one).
    const current = await this.counters.read(key).catch(() => ({ requests: 0, tokens: 0, usdNanos: 0 }));
    const share = (q: Quantity): number => shardShare(bounds[q]!, shardsOf(limit), key.shard);
    const out =
      QUANTITIES.find((q) => bounds[q.field] !== undefined && current[q.field] + amounts[q.field] > share(q.field)) ??
      QUANTITIES.find((q) => bounds[q.field] !== undefined)!;
    const code = out.field === 'usdNanos' ? ErrorCode.budgetExceeded : ErrorCode.rateLimitExceeded;
    const what = describe(out.field, bounds[out.field]!);
    const scope = limit.pooled ? 'shared by everyone it covers' : 'for you';
    return new LimitExceededError(
      limit.name,
      code,
      `The limit '${limit.name}' (${what} per ${limit.per}, ${scope}) has no room for this request; it resets at ${resetsAt}.`,
      retryAfter,
    );
  }

  /** OpenAI's rate-limit headers: per quantity, the applying limit with the least left (this request counted). */
  private headers(taken: readonly Taken[], now: number): Record<string, string> {
    const headers: Record<string, string> = {};
    for (const [q, name] of [
      ['requests', 'requests'],
      ['tokens', 'tokens'],
    ] as const) {
      let best: { limit: number; remaining: number; resetMs: number } | undefined;
      for (const t of taken) {
        const bound = boundsOf(t.limit)[q];
        if (bound === undefined) continue;
        const shards = shardsOf(t.limit);
        const used = amountsOf(t.after)[q];
        // A sharded pool reports its shard's room scaled to the whole (an estimate).
        const remaining = Math.max(0, (shardShare(bound, shards, t.key.shard) - used) * shards);
        if (!best || remaining < best.remaining) best = { limit: bound, remaining, resetMs: t.key.window.endsAt - now };
      }
      if (!best) continue;
      headers[`x-ratelimit-limit-${name}`] = String(best.limit);
      headers[`x-ratelimit-remaining-${name}`] = String(best.remaining);
      headers[`x-ratelimit-reset-${name}`] = resetDuration(best.resetMs);
    }
    return headers;
  }

  /**
   * Replaces each reservation by the use: one unconditional update per limit, applied at most once.
   * It is tried again only after an error that proves it was not applied; any other failure leaves
   * the reservation counted (an increment is not idempotent).
   */
  private async settle(taken: readonly Taken[], reserved: Amounts, settlement: Settlement): Promise<void> {
    if (settlement === 'keep') return;
    const delta = subtractAmounts(settlement, reserved);
    await Promise.all(
      taken.map(async (t) => {
        for (let attempt = 1; attempt <= 2; attempt++) {
          try {
            await this.counters.adjust(t.limit, t.key, delta);
            return;
          } catch (error) {
            if (!(error instanceof TableUnavailableError && error.notApplied) || attempt === 2) {
              this.log.log('WARN', 'settlement not applied; the reservation stays counted', { limit: t.limit.name, error: (error as Error).name });
              return;
            }
          }
        }
      }),
    );
  }
}
