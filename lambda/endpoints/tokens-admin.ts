import { DEFAULT_TOKEN_LIFETIME_DAYS, LifetimeError, parseLifetime } from '../auth/lifetime';
import type { Principal } from '../auth/principal';
import { MAX_TABLE_TOKEN_DAYS, TooManyTokensError, type TableTokenRecord } from '../auth/table-tokens';
import { TableUnavailableError } from '../aws/state-table';
import { jsonResponse } from '../http/response';
import { ErrorCode, ErrorKind, GatewayError, InvalidRequestError, NotFoundError, PermissionError, StateUnavailableError } from '../kernel/errors';
import { SUBJECT_PATTERN } from '../kernel/names';
import { PlainSurface } from '../surfaces/plain';
import { authorizeRequest } from './authorize';
import { jsonObjectBody } from './request-body';
import { endpoint, type GatewayServices, type StateServices } from './services';

const DAY_MS = 86_400_000;

/** 409: the subject holds the most live table tokens it may. */
export class TooManyTokensConflict extends GatewayError {
  public override readonly name: string = 'TooManyTokensConflict';
  public constructor(message: string) {
    super(409, ErrorKind.invalidRequest, ErrorCode.tooManyTokens, message);
  }
}

function stateOf(services: GatewayServices): StateServices {
  if (!services.state) throw new NotFoundError('Table tokens need the state table (GATEWAY_TABLE_NAME); this gateway has none.', 'unknown_route');
  return services.state;
}

/** Runs a table operation, turning an unreachable table into a 503 and the token cap into a 409. */
async function onTable<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof TableUnavailableError) throw new StateUnavailableError('tokens', error);
    if (error instanceof TooManyTokensError) throw new TooManyTokensConflict(error.message);
    throw error;
  }
}

function view(record: TableTokenRecord) {
  return { id: record.id, subject: record.subject, name: record.name, createdAt: record.createdAt, expiresAt: new Date(record.expiresAt * 1000).toISOString() };
}

/**
 * POST /admin/tokens `{name, expiresIn?, subject?}`: mints a table token. A caller signed in with a
 * JWT mints for itself; a caller holding only an `mgw_` token may not (a leaked token must not
 * breed) unless it is an admin, who may also name any `subject`. The token is in this answer only.
 */
export const createToken = endpoint(PlainSurface.admin, async (ctx, services) => {
  const { principal } = await authorizeRequest(ctx, services);
  const state = stateOf(services);
  if (principal.via !== 'jwt' && !principal.isAdmin) {
    throw new PermissionError('Sign in with your identity provider (a JWT) to mint a token; an mgw_ token cannot mint more.');
  }
  const body = jsonObjectBody(ctx.request, services.settings.maxRequestBytes);
  const name = body.name;
  if (typeof name !== 'string' || name.trim() === '' || name.length > 128)
    throw new InvalidRequestError("'name' is required: a string of at most 128 characters.", 'invalid_token_request', { param: 'name' });
  let subject = principal.subject;
  if (body.subject !== undefined) {
    if (!principal.isAdmin) throw new PermissionError('Only admins may mint tokens for another subject.');
    if (typeof body.subject !== 'string' || !SUBJECT_PATTERN.test(body.subject))
      throw new InvalidRequestError("'subject' must be user:<id> or service:<id>.", 'invalid_token_request', { param: 'subject' });
    subject = body.subject;
  }
  const lifetimeMs = lifetimeOf(body.expiresIn);
  const { token, record } = await onTable(() => state.tokens.create(subject, name.trim(), lifetimeMs));
  return jsonResponse(201, { id: record.id, token, name: record.name, subject: record.subject, expiresAt: view(record).expiresAt });
});

function lifetimeOf(value: unknown): number {
  if (value === undefined) return DEFAULT_TOKEN_LIFETIME_DAYS * DAY_MS;
  let ms: number | null;
  try {
    if (typeof value !== 'string') throw new LifetimeError('must be a string such as 90d');
    ms = parseLifetime(value);
  } catch (error) {
    throw new InvalidRequestError(`'expiresIn' ${(error as Error).message}.`, 'invalid_token_request', { param: 'expiresIn' });
  }
  if (ms === null || ms > MAX_TABLE_TOKEN_DAYS * DAY_MS) {
    throw new InvalidRequestError(`'expiresIn' may be at most ${MAX_TABLE_TOKEN_DAYS} days.`, 'invalid_token_request', { param: 'expiresIn' });
  }
  return ms;
}

/** Whose tokens a request may see or revoke: its own, or (admins) `?subject=` or everyone's. */
function scopeOf(principal: Principal, query: string): string | undefined {
  const asked = new URLSearchParams(query).get('subject') ?? undefined;
  if (!principal.isAdmin) {
    if (asked !== undefined && asked !== principal.subject) throw new PermissionError("Only admins may see other subjects' tokens.");
    return principal.subject;
  }
  return asked;
}

/** GET /admin/tokens: the caller's table tokens (admins: `?subject=` or all), never their material. */
export const listTokens = endpoint(PlainSurface.admin, async (ctx, services) => {
  const { principal } = await authorizeRequest(ctx, services);
  const state = stateOf(services);
  const records = await onTable(() => state.tokens.list(scopeOf(principal, ctx.request.query)));
  return jsonResponse(200, { data: records.map(view) });
});

/** DELETE /admin/tokens?subject=S: admins revoke every token of a subject (someone who left). */
export const revokeSubjectTokens = endpoint(PlainSurface.admin, async (ctx, services) => {
  const { principal } = await authorizeRequest(ctx, services);
  const state = stateOf(services);
  if (!principal.isAdmin) throw new PermissionError("Only admins may revoke a subject's tokens.");
  const subject = new URLSearchParams(ctx.request.query).get('subject');
  if (!subject) throw new InvalidRequestError('Name the subject: DELETE /admin/tokens?subject=user:<id>.', 'invalid_token_request', { param: 'subject' });
  const revoked = await onTable(() => state.tokens.revokeAll(subject));
  return jsonResponse(200, { subject, revoked });
});

/** DELETE /admin/tokens/{id}: revokes the caller's own token (admins: any). */
export const revokeToken = endpoint(PlainSurface.admin, async (ctx, services, params) => {
  const { principal } = await authorizeRequest(ctx, services);
  const state = stateOf(services);
  const id = params.id!;
  const done = await onTable(() => state.tokens.revoke(id, principal.isAdmin ? undefined : principal.subject));
  if (!done) throw new NotFoundError(`No token with id '${id.slice(0, 80)}'.`, 'token_not_found');
  return jsonResponse(200, { id, revoked: true });
});
