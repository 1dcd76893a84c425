import { AccountRole, roleOn } from '../auth/access';
import type { Principal } from '../auth/principal';
import { GatewayConfig } from '../config/gateway-config';
import { documentTooLarge } from '../config/document-size';
import { VersionConflictError } from '../config/document-store';
import { modelName, type AccountConfig, type ModelConfig } from '../config/schema';
import { checkDeployment, ConfigValidationError, parseConfigDocument } from '../config/validate';
import { ErrorKind, GatewayError, InvalidRequestError, NotFoundError, PermissionError, type ErrorCode } from '../kernel/errors';
import { jsonResponse } from '../http/response';
import type { RequestContext } from '../http/request-context';
import { authorizeRequest } from './authorize';
import { jsonObjectBody } from './request-body';
import { PlainSurface } from '../surfaces/plain';
import { endpoint, type GatewayServices } from './services';

/** 409: the write was based on a configuration version that is no longer current. */
export class WriteConflictError extends GatewayError {
  public override readonly name: string = 'WriteConflictError';
  public constructor(cause?: unknown) {
    super(
      409,
      ErrorKind.invalidRequest,
      'version_conflict',
      'The configuration changed since the version this write is based on; read it again (GET) and retry with its ETag.',
      {
        cause,
      },
    );
  }
}

function accountFor(name: string, principal: Principal, config: GatewayConfig): { account: AccountConfig; role: AccountRole } {
  const account = config.accounts.get(name);
  const role = account ? roleOn(principal, account) : undefined;
  // A non-collaborator learns nothing about the account, not even that it exists.
  if (!account || !role) throw new NotFoundError(`No account named '${name.slice(0, 100)}'.`, 'account_not_found');
  return { account, role };
}

function modelView(account: AccountConfig, model: ModelConfig) {
  const name = modelName(model);
  return {
    id: `${account.name}/${name}`,
    name,
    modelId: model.modelId,
    region: model.region ?? account.region,
    route: model.route,
    ...(model.apis ? { apis: model.apis } : {}),
    ...(model.price ? { price: model.price } : {}),
  };
}

function begin(ctx: RequestContext, services: GatewayServices) {
  return authorizeRequest(ctx, services);
}

/** GET /admin/accounts: the accounts the caller collaborates on, with its role; never credentials. */
export const listAccounts = endpoint(PlainSurface.admin, async (ctx, services) => {
  const { config, principal } = await begin(ctx, services);
  const data = config.document.accounts.flatMap((account) => {
    const role = roleOn(principal, account);
    if (!role) return [];
    return [
      {
        name: account.name,
        region: account.region,
        authType: account.auth.type,
        ...(account.project ? { project: account.project } : {}),
        role,
        models: account.models.length,
      },
    ];
  });
  return jsonResponse(200, { data }, { etag: config.version });
});

/** GET /admin/accounts/{account}/models: for the account's collaborators. */
export const listAccountModels = endpoint(PlainSurface.admin, async (ctx, services, params) => {
  const { config, principal } = await begin(ctx, services);
  const { account } = accountFor(params.account!, principal, config);
  return jsonResponse(200, { data: account.models.map((m) => modelView(account, m)) }, { etag: config.version });
});

/** 413: the write would make the document larger than one secret holds. */
export class DocumentTooLargeError extends GatewayError {
  public override readonly name: string = 'DocumentTooLargeError';
  public constructor(message: string) {
    super(413, ErrorKind.payloadTooLarge, 'document_too_large', message);
  }
}

/** A stored document as plain JSON, to edit and write back. */
export type EditableDocument = Record<string, unknown> & { accounts?: { name: string; models?: ModelConfig[] }[] };

/** One admin write: who may make it (checked on the document being written) and what it changes. */
export interface DocumentWrite {
  /** Throws when the caller may not make this write on `config` (the fresh document). */
  authorize(principal: Principal, config: GatewayConfig): void;
  /** Edits `document` in place; returns the answer. */
  change(document: EditableDocument): { status: number; body: unknown };
  /** Rewrites a validation problem's path for the caller (`$.accounts[0].models[1].price` → `models[1].price`). */
  problemPath?(problem: string): string;
  /** The error code of a validation refusal. */
  readonly invalidCode: ErrorCode;
}

/**
 * Applies a write to the configuration's own store. The caller was authenticated first (before its
 * body was read); its token and role are checked again against the document being written, not the
 * cached one, so a demoted manager or a revoked token stops at once. The change is validated against
 * the whole document and its size, and written on top of the version it was made against (If-Match,
 * else the version read now): another writer in between is a 409 that changes nothing.
 */
export async function applyDocumentWrite(ctx: RequestContext, services: GatewayServices, write: DocumentWrite) {
  const stored = await services.store.read();
  const fresh = new GatewayConfig(parseConfigDocument(stored.text, services.store.description), stored.text);
  write.authorize(await services.authenticator.authenticate(ctx.request.headers, fresh), fresh);
  const ifMatch = ctx.request.headers['if-match'];
  if (ifMatch !== undefined && ifMatch.trim() !== '*' && ifMatch.trim() !== stored.version) throw new WriteConflictError();
  const document = JSON.parse(stored.text) as EditableDocument;
  const result = write.change(document);
  const text = `${JSON.stringify(document, null, 2)}\n`;
  const tooLarge = documentTooLarge(text);
  if (tooLarge) throw new DocumentTooLargeError(tooLarge);
  try {
    checkDeployment(parseConfigDocument(text, services.store.description), services.store.description, services.settings.tableName);
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      const fields = error.problems.map((p) => write.problemPath?.(p) ?? p);
      throw new InvalidRequestError(`The change is invalid: ${fields.join('; ')}`, write.invalidCode, { param: fields[0]?.split(':')[0] ?? null });
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

/** A change to one account's models, for its managers and admins. */
function modelsWrite(accountName: string, change: (models: ModelConfig[]) => { models: ModelConfig[]; status: number; body: unknown }): DocumentWrite {
  let index = -1;
  return {
    invalidCode: 'invalid_model',
    authorize: (principal, config) => {
      const { account, role } = accountFor(accountName, principal, config);
      if (role === AccountRole.user) throw new PermissionError(`Only managers of account '${account.name}' and admins may change its models.`);
    },
    change: (document) => {
      index = document.accounts?.findIndex((a) => a.name === accountName) ?? -1;
      if (index === -1) throw new WriteConflictError();
      const target = document.accounts![index]!;
      const result = change(target.models ?? []);
      target.models = result.models;
      return result;
    },
    problemPath: (problem) => problem.replace(`$.accounts[${index}].models`, 'models'),
  };
}

/** Authenticates (before any body is read) and checks the role on the cached document, for a fast refusal. */
async function beginWrite(ctx: RequestContext, services: GatewayServices, accountName: string): Promise<void> {
  const { config, principal } = await begin(ctx, services);
  const { account, role } = accountFor(accountName, principal, config);
  if (role === AccountRole.user) throw new PermissionError(`Only managers of account '${account.name}' and admins may change its models.`);
}

/** PUT /admin/accounts/{account}/models/{name}: add or replace a model (managers and admins). */
export const putModel = endpoint(PlainSurface.admin, async (ctx, services, params) => {
  await beginWrite(ctx, services, params.account!);
  const body = jsonObjectBody(ctx.request, services.settings.maxRequestBytes);
  const name = params.name!;
  if (body.name !== undefined && body.name !== name)
    throw new InvalidRequestError("The body's name must match the path, or be left out.", 'invalid_model', { param: 'name' });
  return applyDocumentWrite(
    ctx,
    services,
    modelsWrite(params.account!, (models) => {
      const model = { ...body, name } as ModelConfig;
      const at = models.findIndex((m) => modelName(m) === name);
      const next = at === -1 ? [...models, model] : models.map((m, i) => (i === at ? model : m));
      return { models: next, status: at === -1 ? 201 : 200, body: { name, ...body } };
    }),
  );
});

/** DELETE /admin/accounts/{account}/models/{name} (managers and admins). */
export const deleteModel = endpoint(PlainSurface.admin, async (ctx, services, params) => {
  await beginWrite(ctx, services, params.account!);
  const name = params.name!;
  return applyDocumentWrite(
    ctx,
    services,
    modelsWrite(params.account!, (models) => {
      if (!models.some((m) => modelName(m) === name)) throw new NotFoundError(`No model named '${name}' in this account.`, 'model_not_found');
      return { models: models.filter((m) => modelName(m) !== name), status: 200, body: { name, deleted: true } };
    }),
  );
});
