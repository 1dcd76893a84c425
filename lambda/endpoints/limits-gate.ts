import type { Principal } from '../auth/principal';
import type { GatewayConfig, ResolvedModel } from '../config/gateway-config';
import type { Price } from '../config/schema';
import type { RequestContext } from '../http/request-context';
import type { Amounts } from '../limits/amounts';
import type { Admission } from '../limits/admission';
import { applyingLimits } from '../limits/applying-limits';
import { PriceUnknownError } from '../limits/limit-errors';
import { settlementOf } from '../limits/settlement';
import type { GatewayServices } from './services';

/** What a request asks of the limits. */
export interface LimitedRequest {
  readonly config: GatewayConfig;
  readonly principal: Principal;
  readonly account: string;
  /** The model, for model calls (follow-ups have none). */
  readonly model?: ResolvedModel;
  readonly amounts: Amounts;
  readonly price: Price | undefined;
  /** A `background` response: its usage is not known when its answer ends, so its reservation stays. */
  readonly background: boolean;
}

const NOTHING: Admission = { headers: {}, settle: async () => undefined };

/**
 * Admits a request under the limits that apply to it (none, and no table call, without a state
 * table or without applying limits), and settles its reservations when its exchange ends.
 */
export async function admitUnderLimits(ctx: RequestContext, services: GatewayServices, req: LimitedRequest): Promise<Admission> {
  const state = services.state;
  if (!state || req.config.document.limits.length === 0) return NOTHING;
  const limits = applyingLimits(req.config.document.limits, {
    subject: req.principal.subject,
    teams: req.principal.teams,
    account: req.account,
    ...(req.model ? { models: [req.model.name, req.model.model.modelId] } : {}),
  });
  if (limits.length === 0) return NOTHING;
  const spend = limits.find((l) => l.usd !== undefined);
  if (spend && req.model && !req.price) throw new PriceUnknownError(req.model.id, spend.name);
  const admission = await ctx.record.time('limits', () =>
    state.admission.admit(limits, req.principal.subject, req.amounts, ctx.exchange, req.config.document.limitStoreFailure),
  );
  ctx.exchange.onEnd((outcome) => admission.settle(settlementOf(outcome, req.price, req.background)));
  return admission;
}
