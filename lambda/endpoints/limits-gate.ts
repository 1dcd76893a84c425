import type { Principal } from '../auth/principal';
import type { GatewayConfig, ResolvedModel } from '../config/gateway-config';
import type { LimitConfig, Price } from '../config/schema';
import { priceOf } from '../usage/cost';
import type { RequestContext } from '../http/request-context';
import type { Amounts } from '../limits/amounts';
import { NO_ADMISSION, type Admission } from '../limits/admission';
import { applyingLimits } from '../limits/applying-limits';
import { PriceUnknownError } from '../limits/limit-errors';
import { settlementOf } from '../limits/settlement';
import type { GatewayServices } from './services';

/** What a request asks of the limits. */
export interface LimitedRequest {
  readonly config: GatewayConfig;
  readonly principal: Principal;
  /** The account the request goes to (a group's request-level admission has none). */
  readonly account?: string;
  /** The model, for model calls (follow-ups have none). */
  readonly model?: ResolvedModel;
  /** A group's request-level admission: the limits on the group's name and on subjects alone. */
  readonly groupName?: string;
  /** A group target's admission: only the limits the request-level one did not take. */
  readonly targetOf?: string;
  readonly amounts: Amounts;
  readonly price: Price | undefined;
  /** A `background` response: its usage is not known when its answer ends, so its reservation stays. */
  readonly background: boolean;
}

/**
 * Admits a request under the limits that apply to it (none, and no table call, without a state
 * table or without applying limits), and settles its reservations when its exchange ends.
 */
export async function admitUnderLimits(ctx: RequestContext, services: GatewayServices, req: LimitedRequest): Promise<Admission> {
  const state = services.state;
  if (!state || req.config.document.limits.length === 0) return NO_ADMISSION;
  const all = req.config.document.limits;
  const who = { subject: req.principal.subject, teams: req.principal.teams };
  const groupLevel = (group: string) => applyingLimits(all, { ...who, models: [group] });
  let limits: LimitConfig[];
  if (req.groupName) limits = groupLevel(req.groupName);
  else {
    limits = applyingLimits(all, {
      ...who,
      ...(req.account ? { account: req.account } : {}),
      ...(req.model ? { models: [req.model.name, req.model.model.modelId, ...(req.targetOf ? [req.targetOf] : [])] } : {}),
    });
    if (req.targetOf) {
      const taken = new Set(groupLevel(req.targetOf));
      limits = limits.filter((l) => !taken.has(l));
    }
  }
  if (limits.length === 0) return NO_ADMISSION;
  const spend = limits.find((l) => l.usd !== undefined);
  if (spend && (req.model || req.groupName) && !req.price) throw new PriceUnknownError(req.model?.id ?? req.groupName!, spend.name);
  const admission = await ctx.record.time('limits', () =>
    state.admission.admit(limits, req.principal.subject, req.amounts, ctx.exchange, req.config.document.limitStoreFailure),
  );
  // Priced at the target that answered (a group's targets may differ in price).
  ctx.exchange.onEnd((outcome) =>
    admission.settle(settlementOf(outcome, outcome.route?.model ? priceOf(outcome.route.model.model) : req.price, req.background)),
  );
  return admission;
}
