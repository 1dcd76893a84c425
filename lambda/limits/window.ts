import type { LimitWindow } from '../config/schema';

/** One fixed UTC calendar window: its key in the table and when it ends. */
export interface CounterWindow {
  readonly key: string;
  readonly startsAt: number;
  /** Epoch ms of the window's end (the next window's start). */
  readonly endsAt: number;
}

/** The window of `per` that holds `nowMs`. */
export function windowOf(per: LimitWindow, nowMs: number): CounterWindow {
  const d = new Date(nowMs);
  const y = d.getUTCFullYear();
  const mo = d.getUTCMonth();
  const day = d.getUTCDate();
  const h = d.getUTCHours();
  const mi = d.getUTCMinutes();
  let start: number;
  let end: number;
  switch (per) {
    case 'minute':
      start = Date.UTC(y, mo, day, h, mi);
      end = start + 60_000;
      break;
    case 'hour':
      start = Date.UTC(y, mo, day, h);
      end = start + 3_600_000;
      break;
    case 'day':
      start = Date.UTC(y, mo, day);
      end = Date.UTC(y, mo, day + 1);
      break;
    case 'month':
      start = Date.UTC(y, mo, 1);
      end = Date.UTC(y, mo + 1, 1);
      break;
  }
  const iso = new Date(start).toISOString();
  const key = per === 'minute' ? iso.slice(0, 16) : per === 'hour' ? iso.slice(0, 13) : per === 'day' ? iso.slice(0, 10) : iso.slice(0, 7);
  return { key, startsAt: start, endsAt: end };
}

/** A duration as OpenAI's `x-ratelimit-reset-*` headers write it: `250ms`, `59s`, `6m0s`, `1h2m3s`. */
export function resetDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.ceil(ms))}ms`;
  const total = Math.ceil(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}
