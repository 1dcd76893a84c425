import { dearestPrice } from '../../lambda/endpoints/inference';
import { outputCap, reservationOf, usdNanos } from '../../lambda/limits/amounts';
import { shardShare } from '../../lambda/limits/limit-counters';
import { resetDuration, windowOf } from '../../lambda/limits/window';

describe('limit windows', () => {
  it('are fixed UTC calendar windows', () => {
    const at = Date.UTC(2026, 1, 28, 23, 59, 59, 500); // 2026-02-28T23:59:59.5Z
    expect(windowOf('minute', at)).toEqual({ key: '2026-02-28T23:59', startsAt: Date.UTC(2026, 1, 28, 23, 59), endsAt: Date.UTC(2026, 2, 1, 0, 0) });
    expect(windowOf('hour', at).key).toBe('2026-02-28T23');
    expect(windowOf('day', at)).toMatchObject({ key: '2026-02-28', endsAt: Date.UTC(2026, 2, 1) });
    expect(windowOf('month', at)).toMatchObject({ key: '2026-02', endsAt: Date.UTC(2026, 2, 1) });
    expect(windowOf('month', Date.UTC(2026, 11, 31, 12)).endsAt).toBe(Date.UTC(2027, 0, 1));
  });

  it("write resets as OpenAI's headers do", () => {
    expect(resetDuration(250)).toBe('250ms');
    expect(resetDuration(59_001)).toBe('1m0s');
    expect(resetDuration(30_000)).toBe('30s');
    expect(resetDuration(3_723_000)).toBe('1h2m3s');
  });
});

describe('reservations', () => {
  it('estimate the input from the body size and add the output cap, or the default cap', () => {
    expect(outputCap({ max_tokens: 100 }, { modelId: 'x' })).toBe(100);
    expect(outputCap({ max_completion_tokens: 7 }, { modelId: 'x' })).toBe(7);
    expect(outputCap({ max_output_tokens: 9 }, { modelId: 'x' })).toBe(9);
    expect(outputCap({}, { modelId: 'x' })).toBe(32_768);
    expect(reservationOf(401, { max_tokens: 100 }, { modelId: 'x' }, undefined)).toEqual({ requests: 1, tokens: 101 + 100, usdNanos: 0 });
  });

  it('price the input at the dearest input price, so the use never costs more than the reservation', () => {
    const price = { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 };
    const reserved = reservationOf(400, { max_tokens: 10 }, { modelId: 'x' }, price);
    expect(reserved.usdNanos).toBe(Math.round((100 * 3.75 + 10 * 15) * 1000));
    const allCacheWrites = usdNanos({ inputTokens: 100, cachedInputTokens: 0, cacheWriteTokens: 100, outputTokens: 10, reasoningTokens: 0 }, price);
    expect(allCacheWrites).toBeLessThanOrEqual(reserved.usdNanos);
  });

  it('counts spend in exact integer nano-dollars', () => {
    expect(usdNanos({ inputTokens: 1, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 1, reasoningTokens: 0 }, { input: 0.15, output: 0.6 })).toBe(
      750,
    );
  });

  it('splits a sharded bound into shares that add up to it', () => {
    const shares = Array.from({ length: 8 }, (_, i) => shardShare(1003, 8, i));
    expect(shares.reduce((a, b) => a + b, 0)).toBe(1003);
    expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
  });
});

describe("a group's reservation price", () => {
  it('takes each component at its highest, so no target costs more than the reservation', () => {
    expect(
      dearestPrice([
        { input: 5, output: 10 },
        { input: 1, cachedInput: 0.1, cacheWrite: 6, output: 30 },
      ]),
    ).toEqual({ input: 5, cachedInput: 5, cacheWrite: 6, output: 30 });
    expect(dearestPrice([{ input: 1, output: 1 }, undefined])).toBeUndefined();
  });
});
