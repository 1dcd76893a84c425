import { roleOn, usableModels } from '../auth/access';
import type { Principal } from '../auth/principal';
import type { GatewayConfig, ResolvedModel } from '../config/gateway-config';
import type { GroupConfig } from '../config/schema';
import { InvalidRequestError, ModelNotFoundError } from '../kernel/errors';

/**
 * Resolves a request's `model`:
 * - `account/name` (or `account/modelId`) names one model of one account;
 * - a bare name or Mantle model id resolves when exactly one account the caller may use offers it,
 *   and is a 400 listing the candidates when several do.
 * A model that does not exist and one the caller may not use are the same 404 (no existence leak).
 */
export function resolveModel(requested: string, principal: Principal, config: GatewayConfig): ResolvedModel {
  const slash = requested.indexOf('/');
  if (slash !== -1) {
    const account = config.accounts.get(requested.slice(0, slash));
    const name = requested.slice(slash + 1);
    if (!account || roleOn(principal, account) === undefined) throw new ModelNotFoundError(requested);
    const match =
      config.models.find((m) => m.account === account && m.name === name) ?? config.models.find((m) => m.account === account && m.model.modelId === name);
    if (!match) throw new ModelNotFoundError(requested);
    return match;
  }
  const candidates = usableModels(principal, config).filter((m) => m.name === requested || m.model.modelId === requested);
  if (candidates.length === 0) throw new ModelNotFoundError(requested);
  if (candidates.length > 1) {
    throw new InvalidRequestError(
      `The model '${requested}' is offered by several accounts; name one of: ${candidates.map((c) => c.id).join(', ')}.`,
      'ambiguous_model',
      { param: 'model' },
    );
  }
  return candidates[0]!;
}

/** What a request's `model` names: one model, or a group and the targets the caller may use. */
export interface ResolvedTargets {
  readonly group?: GroupConfig;
  /** In the group's order; one entry for a plain model. */
  readonly targets: readonly ResolvedModel[];
}

/**
 * Resolves `model` to its targets: a group's name gives the group's targets the caller may use (a
 * caller allowed on none gets the 404 of a missing model); anything else resolves as one model.
 */
export function resolveTargets(requested: string, principal: Principal, config: GatewayConfig): ResolvedTargets {
  const group = config.groups.get(requested);
  if (!group) return { targets: [resolveModel(requested, principal, config)] };
  const targets = group.targets.filter((t) => roleOn(principal, t.account) !== undefined);
  if (targets.length === 0) throw new ModelNotFoundError(requested);
  return { group: group.config, targets };
}
