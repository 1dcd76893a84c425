import type { ConfigCache } from '../config/config-cache';
import type { DocumentStore } from '../config/document-store';
import type { GatewaySettings } from '../config/settings';
import type { CredentialResolver } from '../credentials/credential-resolver';
import type { RequestContext } from '../http/request-context';
import type { PathPrefixPolicy } from '../routing/path-prefix';
import type { TargetSelector } from '../routing/target-selector';
import type { GatewayResponse } from '../http/response';
import type { ExchangeSurface } from '../surfaces/exchange';
import type { StateTable } from '../aws/state-table';
import type { Authenticator } from '../auth/authenticator';
import type { TableTokens } from '../auth/table-tokens';
import type { LimitAdmission } from '../limits/admission';
import type { LimitCounters } from '../limits/limit-counters';
import type { Forwarder } from '../upstream/forward';

/** The process-wide parts every endpoint may use, created once per Lambda instance. */
export interface GatewayServices {
  readonly settings: GatewaySettings;
  /** Epoch ms now: the clock limit windows are read with. */
  readonly now: () => number;
  readonly config: ConfigCache;
  /** Where the configuration is written (the admin API). */
  readonly store: DocumentStore;
  readonly credentials: CredentialResolver;
  /** Document tokens, table tokens and identity providers' JWTs. */
  readonly authenticator: Authenticator;
  readonly forwarder: Forwarder;
  readonly prefixes: PathPrefixPolicy;
  /** The order a group's targets are tried in, and which are cooling (per instance). */
  readonly targets: TargetSelector;
  /** The state table and what lives in it; absent without GATEWAY_TABLE_NAME (no DynamoDB call is made then). */
  readonly state?: StateServices;
}

/** What the state table serves. */
export interface StateServices {
  readonly table: StateTable;
  readonly tokens: TableTokens;
  readonly counters: LimitCounters;
  readonly admission: LimitAdmission;
}

/** What an endpoint does with one request. */
export type EndpointHandler = (ctx: RequestContext, services: GatewayServices, params: Readonly<Record<string, string>>) => Promise<GatewayResponse>;

/** An endpoint: the surface that opens its exchange, and its handler. */
export interface Endpoint {
  readonly surface: ExchangeSurface;
  readonly handle: EndpointHandler;
}

/** An endpoint of `surface`. */
export function endpoint(surface: ExchangeSurface, handle: EndpointHandler): Endpoint {
  return { surface, handle };
}
