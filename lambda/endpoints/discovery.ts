import { AccountRole, roleOn } from '../auth/access';
import { catalogEntry } from '../catalog/model-catalog';
import { MANTLE_REGIONS } from '../config/regions';
import { modelName, type AccountConfig } from '../config/schema';
import { jsonResponse } from '../http/response';
import { InvalidRequestError, NotFoundError, PermissionError } from '../kernel/errors';
import { PlainSurface } from '../surfaces/plain';
import { discoverModels } from '../upstream/discovery';
import { authorizeRequest } from './authorize';
import { endpoint } from './services';

/** One model Mantle offers an account, with what the catalog knows and whether the account has it. */
export interface AvailableModel {
  readonly modelId: string;
  readonly name: string;
  readonly inAccount: boolean;
  readonly route?: string;
  readonly price?: unknown;
}

/** Joins Mantle's list with the catalog and the account's own models. */
export function availableModels(account: AccountConfig, ids: readonly string[]): AvailableModel[] {
  const have = new Set(account.models.map((m) => m.modelId));
  return ids.map((modelId) => {
    const known = catalogEntry(modelId);
    return {
      modelId,
      name: modelName({ modelId }),
      inAccount: have.has(modelId),
      ...(known?.route ? { route: known.route } : {}),
      ...(known?.price ? { price: known.price } : {}),
    };
  });
}

/** GET /admin/accounts/{account}/available-models[?region=R]: what Mantle offers the account there (managers, admins). */
export const listAvailableModels = endpoint(PlainSurface.admin, async (ctx, services, params) => {
  const { config, principal } = await authorizeRequest(ctx, services);
  const account = config.accounts.get(params.account!);
  const role = account ? roleOn(principal, account) : undefined;
  if (!account || !role) throw new NotFoundError(`No account named '${params.account!.slice(0, 100)}'.`, 'account_not_found');
  if (role === AccountRole.user) throw new PermissionError(`Only managers of account '${account.name}' and admins may list what Mantle offers it.`);
  const region = new URLSearchParams(ctx.request.query).get('region') ?? account.region;
  if (!(MANTLE_REGIONS as readonly string[]).includes(region))
    throw new InvalidRequestError(`'${region.slice(0, 40)}' is not a Mantle region.`, 'invalid_request', { param: 'region' });
  const auth = await ctx.record.time('credentials', () => services.credentials.forAccount(account, principal));
  const ids = await discoverModels(services.forwarder, account, region, auth);
  return jsonResponse(200, { account: account.name, region, data: availableModels(account, ids) });
});
