import type { ResolvedModel } from '../config/gateway-config';
import type { Price } from '../config/schema';
import type { Usage } from '../kernel/usage';
import { ZERO_USAGE } from '../kernel/usage';
import { costUsd, priceOf } from './cost';
import { emfLine } from './emf';

/** Phase timings in milliseconds, as SPEC section 6 names them. */
export type Phase = 'auth' | 'config' | 'credentials' | 'upstreamFirstByte';

/**
 * Everything known about one request, filled in along its path and written once, when the response
 * ended, as one EMF line on stdout (never through console, so Lambda's JSON log format cannot wrap it).
 * It holds no token, key or prompt text: only ids, names, figures and error codes.
 */
export class RequestRecord {
  public subject: string | undefined;
  public api: string | undefined;
  public stream = false;
  public status = 0;
  /** Account and model names (dimensions), Mantle model id and region; `-` until known. */
  public account = '-';
  public modelName = '-';
  public modelId = '-';
  public region = '-';
  public price: Price | undefined;
  public upstreamRequestId: string | undefined;
  public error: string | undefined;
  public authFailed = false;
  /** The stream ended with an in-band error event. */
  public inBandError = false;
  public partial = false;
  public usage: Usage | undefined;
  public firstByteMs: number | undefined;
  private readonly phases: Partial<Record<Phase, number>> = {};
  private written = false;

  public constructor(
    public readonly requestId: string,
    private readonly startedAt: number,
    private readonly namespace: string,
    private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  ) {}

  /** Records the resolved model: dimensions, region and price. */
  public useModel(model: ResolvedModel): void {
    this.account = model.account.name;
    this.modelName = model.name;
    this.modelId = model.model.modelId;
    this.region = model.region;
    this.price = priceOf(model.model);
  }

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

  /** Writes the record (once). */
  public finish(): void {
    if (this.written) return;
    this.written = true;
    const totalMs = round(performance.now() - this.startedAt);
    const usage = this.usage ?? ZERO_USAGE;
    const price = this.price;
    const line = emfLine(
      this.namespace,
      Date.now(),
      { Account: this.account, Model: this.modelName },
      {
        Requests: 1,
        Errors: this.status >= 500 || this.inBandError ? 1 : 0,
        Throttles: this.status === 429 ? 1 : 0,
        AuthFailures: this.authFailed ? 1 : 0,
        InputTokens: usage.inputTokens,
        CachedInputTokens: usage.cachedInputTokens,
        CacheWriteTokens: usage.cacheWriteTokens,
        OutputTokens: usage.outputTokens,
        ReasoningTokens: usage.reasoningTokens,
        CostUSD: price ? costUsd(usage, price) : 0,
        Latency: totalMs,
        TimeToFirstByte: round(this.firstByteMs ?? totalMs),
        PriceKnown: price ? 1 : 0,
      },
      {
        requestId: this.requestId,
        subject: this.subject ?? '-',
        api: this.api ?? '-',
        stream: this.stream,
        status: this.status,
        region: this.region,
        modelId: this.modelId,
        upstreamRequestId: this.upstreamRequestId ?? '-',
        error: this.error ?? null,
        partial: this.partial,
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
