import type { LimitConfig } from '../config/schema';

/** Who is asking, and for what: what limit filters are matched against. */
export interface LimitSubject {
  readonly subject: string;
  /** The subject's teams (names as the document writes them). */
  readonly teams: readonly string[];
  /** The account the request goes to, when known. */
  readonly account?: string;
  /** Names the request's model goes by (its name, its model id, the group it was called as). */
  readonly models?: readonly string[];
}

/** True when `limit.subjects` (if any) names the caller, directly, through a team, or as `*`. */
export function limitNamesSubject(limit: LimitConfig, who: Pick<LimitSubject, 'subject' | 'teams'>): boolean {
  if (!limit.subjects) return true;
  return limit.subjects.some((s) => s === '*' || s === who.subject || (s.startsWith('team:') && who.teams.includes(s.slice(5))));
}

/** The limits that apply to a request: every filter a limit has must match. */
export function applyingLimits(limits: readonly LimitConfig[], who: LimitSubject): LimitConfig[] {
  return limits.filter((limit) => {
    if (!limitNamesSubject(limit, who)) return false;
    if (limit.accounts && (who.account === undefined || !limit.accounts.includes(who.account))) return false;
    if (limit.models && !(who.models ?? []).some((m) => limit.models!.includes(m))) return false;
    return true;
  });
}
