import { AccountRole, roleOn } from '../auth/access';
import type { Principal } from '../auth/principal';
import type { GatewayConfig } from '../config/gateway-config';
import type { LimitConfig } from '../config/schema';
import { jsonResponse } from '../http/response';
import { NotFoundError, PermissionError } from '../kernel/errors';
import type { Amounts } from '../limits/amounts';
import { limitNamesSubject } from '../limits/applying-limits';
import { boundsOf, QUANTITIES, type Quantity } from '../limits/limit-counters';
import { StateUnavailableError } from '../limits/limit-errors';
import { windowOf } from '../limits/window';
import { PlainSurface } from '../surfaces/plain';
import { applyDocumentWrite, type DocumentWrite } from './admin';
import { authorizeRequest } from './authorize';
import { jsonObjectBody } from './request-body';
import { endpoint, type GatewayServices } from './services';

/** How many top users `GET /admin/limits` shows per per-subject limit. */
export const TOP_USERS = 10;

const FIELD: Readonly<Record<Quantity, 'requests' | 'tokens' | 'usd'>> = { requests: 'requests', tokens: 'tokens', usdNanos: 'usd' };

/** A limit's quantities as `{limit, used, remaining}` (usd in dollars). */
function usageView(limit: LimitConfig, used: Amounts): Record<string, { limit: number; used: number; remaining: number }> {
  const bounds = boundsOf(limit);
  const out: Record<string, { limit: number; used: number; remaining: number }> = {};
  for (const q of QUANTITIES) {
    const bound = bounds[q.field];
    if (bound === undefined) continue;
    const scale = q.field === 'usdNanos' ? 1e9 : 1;
    const u = used[q.field];
    out[FIELD[q.field]] = { limit: bound / scale, used: u / scale, remaining: Math.max(0, bound - u) / scale };
  }
  return out;
}

function resetsAt(limit: LimitConfig, now: number): string {
  return new Date(windowOf(limit.per, now).endsAt).toISOString().replace('.000Z', 'Z');
}

/** Reads counters, answering 503 when the table cannot be reached. */
async function readCounters<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw new StateUnavailableError('the limits\u2019 counters', error);
  }
}

/** The limits that apply to the caller: its subject filter names it, and its accounts (if any) include one it may use. */
function callerLimits(principal: Principal, config: GatewayConfig): LimitConfig[] {
  const usable = new Set(config.document.accounts.filter((a) => roleOn(principal, a) !== undefined).map((a) => a.name));
  return config.document.limits.filter((l) => limitNamesSubject(l, principal) && (!l.accounts || l.accounts.some((a) => usable.has(a))));
}

/** GET /admin/me: who the caller is, its teams, accounts and the limits that apply to it with their use. */
export const getMe = endpoint(PlainSurface.admin, async (ctx, services) => {
  const { config, principal } = await authorizeRequest(ctx, services);
  const now = services.now();
  const accounts = config.document.accounts.flatMap((a) => {
    const role = roleOn(principal, a);
    return role ? [{ name: a.name, role }] : [];
  });
  const state = services.state;
  const limits = await readCounters(() =>
    Promise.all(
      callerLimits(principal, config).map(async (limit) => ({
        name: limit.name,
        per: limit.per,
        pooled: limit.pooled,
        resetsAt: resetsAt(limit, now),
        ...usageView(limit, state ? await state.counters.used(limit, principal.subject, now) : { requests: 0, tokens: 0, usdNanos: 0 }),
      })),
    ),
  );
  return jsonResponse(200, { subject: principal.subject, teams: [...principal.teams], admin: principal.isAdmin, accounts, limits });
});

/**
 * GET /admin/limits: admins every limit, managers the limits that name their accounts; pooled
 * limits with their counters, per-subject ones with their top users this window.
 */
export const listLimits = endpoint(PlainSurface.admin, async (ctx, services) => {
  const { config, principal } = await authorizeRequest(ctx, services);
  const managed = new Set(config.document.accounts.filter((a) => roleOn(principal, a) === AccountRole.manager || principal.isAdmin).map((a) => a.name));
  const visible = principal.isAdmin ? config.document.limits : config.document.limits.filter((l) => l.accounts?.some((a) => managed.has(a)));
  if (!principal.isAdmin && managed.size === 0) throw new PermissionError('Only admins and account managers may list limits.');
  const now = services.now();
  const state = services.state;
  const data = await readCounters(() =>
    Promise.all(
      visible.map(async (limit) => {
        const base = { ...limit, resetsAt: resetsAt(limit, now) };
        if (!state) return base;
        if (limit.pooled) return { ...base, current: usageView(limit, await state.counters.used(limit, '-', now)) };
        const top = await state.counters.topUsers(limit, now, TOP_USERS);
        return { ...base, topUsers: top.map((t) => ({ subject: t.subject, ...usageView(limit, t.used) })) };
      }),
    ),
  );
  return jsonResponse(200, { data }, { etag: config.version });
});

/** A change to the document's limits, for admins. */
function limitsWrite(change: (limits: Record<string, unknown>[]) => { status: number; body: unknown }): DocumentWrite {
  return {
    invalidCode: 'invalid_limit',
    authorize: (principal) => {
      if (!principal.isAdmin) throw new PermissionError('Only admins may change limits.');
    },
    change: (document) => {
      const limits = (Array.isArray(document.limits) ? document.limits : []) as Record<string, unknown>[];
      const result = change(limits);
      document.limits = limits;
      return result;
    },
  };
}

async function beginLimitWrite(ctx: Parameters<typeof authorizeRequest>[0], services: GatewayServices): Promise<void> {
  const { principal } = await authorizeRequest(ctx, services);
  if (!principal.isAdmin) throw new PermissionError('Only admins may change limits.');
}

/** PUT /admin/limits/{name}: add or replace a limit (admins; validated, If-Match compare-and-swap). */
export const putLimit = endpoint(PlainSurface.admin, async (ctx, services, params) => {
  await beginLimitWrite(ctx, services);
  const body = jsonObjectBody(ctx.request, services.settings.maxRequestBytes);
  const name = params.name!;
  const { name: _ignored, ...rest } = body;
  return applyDocumentWrite(
    ctx,
    services,
    limitsWrite((limits) => {
      const limit = { name, ...rest };
      const at = limits.findIndex((l) => l.name === name);
      if (at === -1) limits.push(limit);
      else limits[at] = limit;
      return { status: at === -1 ? 201 : 200, body: limit };
    }),
  );
});

/** DELETE /admin/limits/{name} (admins). */
export const deleteLimit = endpoint(PlainSurface.admin, async (ctx, services, params) => {
  await beginLimitWrite(ctx, services);
  const name = params.name!;
  return applyDocumentWrite(
    ctx,
    services,
    limitsWrite((limits) => {
      const at = limits.findIndex((l) => l.name === name);
      if (at === -1) throw new NotFoundError(`No limit named '${name}'.`, 'limit_not_found');
      limits.splice(at, 1);
      return { status: 200, body: { name, deleted: true } };
    }),
  );
});
