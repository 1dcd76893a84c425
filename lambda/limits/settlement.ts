import type { Price } from '../config/schema';
import type { ExchangeOutcome } from '../surfaces/exchange';
import { REQUEST_ONLY, usedAmounts } from './amounts';
import type { Settlement } from './admission';

/** Errors after which Mantle may have run the request (and billed it): the reservation stays. */
const MAY_HAVE_RUN = new Set<string>(['upstream_timeout', 'upstream_idle_timeout', 'upstream_connection_lost', 'deadline_exceeded']);

/**
 * What a finished exchange settles its reservations with (SPEC section 12): its usage when the
 * answer ended with it known; only the request when it was refused before any answer (Mantle's
 * refusal bills nothing); otherwise (a cut stream, a client gone, a `background` response, a
 * timeout after the request was sent) the reservation stays.
 */
export function settlementOf(outcome: ExchangeOutcome, price: Price | undefined, background: boolean): Settlement {
  if (background) return 'keep';
  if (outcome.usage !== undefined && !outcome.partial) return usedAmounts(outcome.usage, price);
  if (outcome.status >= 400 && outcome.usage === undefined && !(outcome.error && MAY_HAVE_RUN.has(outcome.error))) return REQUEST_ONLY;
  return 'keep';
}
