import type { GatewayConfig, ResolvedModel } from '../config/gateway-config';
import type { AccountConfig } from '../config/schema';
import type { Principal } from './principal';

/** What a principal may do on an account: admins everything, managers also edit models, users call models. */
export const AccountRole = { admin: 'admin', manager: 'manager', user: 'user' } as const;
export type AccountRole = (typeof AccountRole)[keyof typeof AccountRole];

const RANK: Readonly<Record<AccountRole, number>> = { user: 1, manager: 2, admin: 3 };

/** The principal's role on an account, or undefined when it is no collaborator of it. */
export function roleOn(principal: Principal, account: AccountConfig): AccountRole | undefined {
  if (principal.isAdmin) return AccountRole.admin;
  const teams = principal.teams;
  let best: AccountRole | undefined;
  for (const collaborator of account.collaborators) {
    const s = collaborator.subject;
    const matches = s === '*' || s === principal.subject || (s.startsWith('team:') && teams.includes(s.slice(5)));
    if (matches && (!best || RANK[collaborator.role] > RANK[best])) best = collaborator.role;
  }
  return best;
}

/** Every model the principal may call, in configuration order. */
export function usableModels(principal: Principal, config: GatewayConfig): ResolvedModel[] {
  const allowed = new Map<string, boolean>();
  return config.models.filter((m) => {
    let ok = allowed.get(m.account.name);
    if (ok === undefined) {
      ok = roleOn(principal, m.account) !== undefined;
      allowed.set(m.account.name, ok);
    }
    return ok;
  });
}
