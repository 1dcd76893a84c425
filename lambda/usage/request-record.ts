import { ZERO_USAGE } from '../kernel/usage';
import type { ExchangeOutcome } from '../surfaces/exchange';
import { costUsd, priceOf } from './cost';
import { emfLine } from './emf';

/** Phase timings in milliseconds, as SPEC section 6 names them. */
export type Phase = 'auth' | 'config' | 'credentials' | 'limits' | 'upstreamFirstByte';

/**
 * The record of one request: phase timings while it runs, then, when the response ended, its
 * exchange's immutable outcome serialised as one EMF line on stdout (never through console, so
 * Lambda's JSON log format cannot wrap it). It holds no token, key or prompt text: only ids, names,
 * figures and error codes.
 */
export class RequestRecord {
  private readonly phases: Partial<Record<Phase, number>> = {};
  private written = false;

  public constructor(
    public readonly requestId: string,
    private readonly startedAt: number,
    private readonly namespace: string,
    private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  ) {}

  /** Times `fn` as a phase. */
  public async time<T>(phase: Phase, fn: () => Promise<T> | T): Promise<T> {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      this.phases[phase] = round(performance.now() - t0);
    }
  }

  public setPhase(phase: Phase, ms: number): void {
    this.phases[phase] = round(ms);
  }

  /** `Server-Timing` for the phases known before the first byte. */
  public serverTiming(): string {
    return Object.entries(this.phases)
      .map(([name, ms]) => `${name};dur=${ms}`)
      .join(', ');
  }

  /** Writes the record of `outcome` (once). */
  public finish(outcome: ExchangeOutcome): void {
    if (this.written) return;
    this.written = true;
    const totalMs = round(performance.now() - this.startedAt);
    const usage = outcome.usage ?? ZERO_USAGE;
    const route = outcome.route;
    const model = route?.model;
    const price = model ? priceOf(model.model) : undefined;
    const line = emfLine(
      this.namespace,
      Date.now(),
      { Account: route?.account ?? '-', Model: model?.name ?? '-' },
      {
        Requests: 1,
        Errors: outcome.status >= 500 || outcome.inBandError ? 1 : 0,
        Throttles: outcome.status === 429 ? 1 : 0,
        AuthFailures: outcome.authFailed ? 1 : 0,
        InputTokens: usage.inputTokens,
        CachedInputTokens: usage.cachedInputTokens,
        CacheWriteTokens: usage.cacheWriteTokens,
        OutputTokens: usage.outputTokens,
        ReasoningTokens: usage.reasoningTokens,
        CostUSD: price ? costUsd(usage, price) : 0,
        Latency: totalMs,
        TimeToFirstByte: round(outcome.firstByteMs ?? totalMs),
        PriceKnown: price ? 1 : 0,
      },
      {
        requestId: this.requestId,
        subject: outcome.subject ?? '-',
        api: outcome.operation,
        stream: outcome.stream,
        status: outcome.status,
        region: route?.region ?? '-',
        modelId: model?.model.modelId ?? '-',
        upstreamRequestId: outcome.upstreamRequestId ?? '-',
        error: outcome.error ?? null,
        partial: outcome.partial,
        ...outcome.notes,
        ...this.phases,
        total: totalMs,
      },
    );
    this.write(line);
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
