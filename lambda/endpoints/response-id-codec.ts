import { roleOn } from '../auth/access';
import type { Principal } from '../auth/principal';
import type { GatewayConfig } from '../config/gateway-config';
import type { AccountConfig } from '../config/schema';
import { InvalidRequestError, NotFoundError } from '../kernel/errors';
import { decodeResponseId, encodeResponseId, subjectHash, type StoredResponseRef } from '../routing/response-ids';
import { ExchangeStateError, type Exchange } from '../surfaces/exchange';
import type { ResponseIdCodec } from '../surfaces/surface';

/** The 404 for a stored response the caller cannot reach: forged, altered, someone else's, or gone. */
export function responseNotFound(id: string): NotFoundError {
  return new NotFoundError(`No response found with id '${id.slice(0, 200)}'.`, 'response_not_found');
}

/**
 * Opens a gateway response id for a caller: the tag must verify, the caller must be the subject
 * that created it (or an admin), and must still be a collaborator of its account.
 */
export function openStoredResponse(id: string, principal: Principal, config: GatewayConfig): { ref: StoredResponseRef; account: AccountConfig } {
  const ref = decodeResponseId(config.signingKey, id);
  if (!ref) throw responseNotFound(id);
  const account = config.accounts.get(ref.account);
  if (!account || roleOn(principal, account) === undefined) throw responseNotFound(id);
  if (!principal.isAdmin && !subjectHash(principal.subject).equals(ref.subjectHash)) throw responseNotFound(id);
  return { ref, account };
}

/**
 * The codec of one exchange: ids it mints carry the account, region and prefix the exchange was
 * routed to (read when an id is minted, after Mantle answered and any retry on the other prefix).
 */
export class ExchangeResponseIds implements ResponseIdCodec {
  public constructor(
    private readonly config: GatewayConfig,
    private readonly principal: Principal,
    private readonly account: AccountConfig,
    private readonly exchange: Exchange,
  ) {}

  public toClient(upstreamId: string): string {
    const route = this.exchange.route;
    if (!route || route.prefix === undefined) throw new ExchangeStateError('a response id is minted before the exchange was routed');
    return encodeResponseId(this.config.signingKey, {
      account: this.account.name,
      region: route.region,
      prefix: route.prefix,
      upstreamId,
      subject: this.principal.subject,
    });
  }

  public fromClient(id: string, param: string): { upstreamId: string; region: string } {
    const { ref } = openStoredResponse(id, this.principal, this.config);
    if (ref.account !== this.account.name) {
      throw new InvalidRequestError(`The ${param} belongs to another account than the model's; use a model of the same account.`, 'invalid_previous_response', {
        param,
      });
    }
    return { upstreamId: ref.upstreamId, region: ref.region };
  }
}
