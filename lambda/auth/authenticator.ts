import { TableUnavailableError } from '../aws/state-table';
import type { GatewayConfig } from '../config/gateway-config';
import { AuthenticationError, StateUnavailableError } from '../kernel/errors';
import { authenticate, presentedToken } from './authenticate';
import type { JwtVerifier } from './jwt-verifier';
import { principalFor, type Principal } from './principal';
import { isTableToken, type TableTokens } from './table-tokens';
import { hashToken, TOKEN_PREFIX } from './tokens';

/**
 * Who is calling, from any credential SPEC section 3 accepts: a document `mgw_` token, a table
 * `mgw_` token (its checksum checked before any table read), or a JWT of a configured identity
 * provider. Every refusal is the one AuthenticationError; an unreachable table is a 503 for an
 * uncached table token (it may be good), never a 401.
 */
export class Authenticator {
  public constructor(
    private readonly jwt: JwtVerifier | undefined,
    private readonly tableTokens: TableTokens | undefined,
  ) {}

  public async authenticate(headers: Readonly<Record<string, string>>, config: GatewayConfig): Promise<Principal> {
    const token = presentedToken(headers);
    if (!token) throw new AuthenticationError();
    if (!token.startsWith(TOKEN_PREFIX)) {
      if (!this.jwt || config.identityProviders.length === 0) throw new AuthenticationError();
      return this.jwt.verify(token, config);
    }
    if (!isTableToken(token)) return authenticate(headers, config);
    if (!this.tableTokens) throw new AuthenticationError();
    let record;
    try {
      record = await this.tableTokens.lookup(hashToken(token));
    } catch (error) {
      if (error instanceof TableUnavailableError) throw new StateUnavailableError('the token', error);
      throw error;
    }
    if (!record) throw new AuthenticationError();
    return principalFor(record.subject, record.id, 'table', config);
  }
}
