import type { ConfigCache } from '../config/config-cache';
import type { DocumentStore } from '../config/document-store';
import type { GatewaySettings } from '../config/settings';
import type { CredentialResolver } from '../credentials/credential-resolver';
import type { RequestContext } from '../http/request-context';
import type { PathPrefixPolicy } from '../routing/path-prefix';
import type { GatewayResponse } from '../http/response';
import type { ExchangeSurface } from '../surfaces/exchange';
import type { Forwarder } from '../upstream/forward';

/** The process-wide parts every endpoint may use, created once per Lambda instance. */
export interface GatewayServices {
  readonly settings: GatewaySettings;
  readonly config: ConfigCache;
  /** Where the configuration is written (the admin API). */
  readonly store: DocumentStore;
  readonly credentials: CredentialResolver;
  readonly forwarder: Forwarder;
  readonly prefixes: PathPrefixPolicy;
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
