import { AccountRole, roleOn } from '../auth/access';
import type { Principal } from '../auth/principal';
import type { GatewayConfig } from '../config/gateway-config';
import { VersionConflictError } from '../config/document-store';
import { modelName, type AccountConfig, type ModelConfig } from '../config/schema';
import { ConfigValidationError, parseConfigDocument } from '../config/validate';
import { ErrorKind, GatewayError, InvalidRequestError, NotFoundError, PermissionError } from '../http/errors';
import { jsonResponse } from '../http/response';
import type { RequestContext } from '../http/request-context';
import { authorizeRequest } from './authorize';
import { jsonObjectBody } from './request-body';
import type { Endpoint, GatewayServices } from './services';

/** 409: the write was based on a configuration version that is no longer current. */
export class WriteConflictError extends GatewayError {
  public override readonly name: string = 'WriteConflictError';
  public constructor(cause?: unknown) {
    super(409, ErrorKind.invalidRequest, 'version_conflict', 'The configuration changed since the version this write is based on; read it again (GET) and retry with its ETag.', {
      cause,
    });
  }
}

function accountFor(name: string, principal: Principal, config: GatewayConfig): { account: AccountConfig; role: AccountRole } {
  const account = config.accounts.get(name);
  const role = account ? roleOn(principal, account, config) : undefined;
  // A non-collaborator learns nothing about the account, not even that it exists.
  if (!account || !role) throw new NotFoundError(`No account named '${name.slice(0, 100)}'.`, 'account_not_found');
  return { account, role };
}

function modelView(account: AccountConfig, model: ModelConfig) {
  const name = modelName(model);
  return { id: `${account.name}/${name}`, name, modelId: model.modelId, region: model.region ?? account.region, route: model.route, ...(model.apis ? { apis: model.apis } : {}), ...(model.price ? { price: model.price } : {}) };
}

async function begin(ctx: RequestContext, services: GatewayServices) {
  ctx.record.api = 'admin';
  return authorizeRequest(ctx, services);
}

/** GET /admin/accounts: the accounts the caller collaborates on, with its role; never credentials. */
export const listAccounts: Endpoint = async (ctx, services) => {
  const { config, principal } = await begin(ctx, services);
  const data = config.document.accounts.flatMap((account) => {
    const role = roleOn(principal, account, config);
    if (!role) return [];
    return [{ name: account.name, region: account.region, authType: account.auth.type, ...(account.project ? { project: account.project } : {}), role, models: account.models.length }];
  });
  return jsonResponse(200, { data }, { etag: config.version });
};

/** GET /admin/accounts/{account}/models: for the account's collaborators. */
export const listAccountModels: Endpoint = async (ctx, services, params) => {
  const { config, principal } = await begin(ctx, services);
  const { account } = accountFor(params.account!, principal, config);
  return jsonResponse(200, { data: account.models.map((m) => modelView(account, m)) }, { etag: config.version });
};

/**
 * Applies a change to one account's models and writes the whole document, validated first, based
 * on the version the change was made against (If-Match, else the version read now).
 */
async function writeModels(
  ctx: RequestContext,
  services: GatewayServices,
  params: Readonly<Record<string, string>>,
  change: (models: ModelConfig[], name: string) => { models: ModelConfig[]; status: number; body: unknown },
) {
  const { config, principal } = await begin(ctx, services);
  const { account, role } = accountFor(params.account!, principal, config);
  if (role === AccountRole.user) throw new PermissionError(`Only managers of account '${account.name}' and admins may change its models.`);
  const stored = await services.store.read();
  const ifMatch = ctx.request.headers['if-match'];
  if (ifMatch !== undefined && ifMatch.trim() !== '*' && ifMatch.trim() !== stored.version) throw new WriteConflictError();
  const document = JSON.parse(stored.text) as { accounts?: { name: string; models?: ModelConfig[] }[] };
  const index = document.accounts?.findIndex((a) => a.name === account.name) ?? -1;
  if (index === -1) throw new WriteConflictError();
  const target = document.accounts![index]!;
  const result = change(target.models ?? [], params.name!);
  target.models = result.models;
  const text = `${JSON.stringify(document, null, 2)}\n`;
  try {
    parseConfigDocument(text, services.store.description);
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      const fields = error.problems.map((p) => p.replace(`$.accounts[${index}].models`, 'models'));
      throw new InvalidRequestError(`The model is invalid: ${fields.join('; ')}`, 'invalid_model', { param: fields[0]?.split(':')[0] ?? null });
    }
    throw error;
  }
  let written;
  try {
    written = await services.store.write(text, stored.version);
  } catch (error) {
    if (error instanceof VersionConflictError) throw new WriteConflictError(error);
    throw error;
  }
  // This instance sees its own write at once; others within the configuration TTL.
  await services.config.refresh().catch(() => undefined);
  return jsonResponse(result.status, result.body, { etag: written.version });
}

/** PUT /admin/accounts/{account}/models/{name}: add or replace a model (managers and admins). */
export const putModel: Endpoint = (ctx, services, params) => {
  const body = jsonObjectBody(ctx.request, services.settings.maxRequestBytes);
  if (body.name !== undefined && body.name !== params.name) throw new InvalidRequestError("The body's name must match the path, or be left out.", 'invalid_model', { param: 'name' });
  return writeModels(ctx, services, params, (models, name) => {
    const model = { ...body, name } as ModelConfig;
    const at = models.findIndex((m) => modelName(m) === name);
    const next = at === -1 ? [...models, model] : models.map((m, i) => (i === at ? model : m));
    return { models: next, status: at === -1 ? 201 : 200, body: { name, ...body } };
  });
};

/** DELETE /admin/accounts/{account}/models/{name} (managers and admins). */
export const deleteModel: Endpoint = (ctx, services, params) =>
  writeModels(ctx, services, params, (models, name) => {
    if (!models.some((m) => modelName(m) === name)) throw new NotFoundError(`No model named '${name}' in this account.`, 'model_not_found');
    return { models: models.filter((m) => modelName(m) !== name), status: 200, body: { name, deleted: true } };
  });
