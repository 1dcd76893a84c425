/** Default lifetime of a new token. */
export const DEFAULT_TOKEN_LIFETIME_DAYS = 90;
const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Thrown for a lifetime that is not `30m`, `12h`, `90d`, `2w` or `never`. */
export class LifetimeError extends Error {
  public override readonly name: string = 'LifetimeError';
}

/** Parses a lifetime (`90d`, `12h`, `30m`, `2w` or `never`) to milliseconds; null means never. */
export function parseLifetime(value: string): number | null {
  if (value === 'never') return null;
  const m = /^(\d{1,6})([mhdw])$/.exec(value);
  if (!m || Number(m[1]) === 0) throw new LifetimeError(`must look like 90d, 12h, 30m, 2w or never (got "${value.slice(0, 40)}")`);
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}
