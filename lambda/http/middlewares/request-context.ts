import { randomUUID } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { toGatewayError, type GatewayError } from '../../kernel/errors';
import { Exchange, type ExchangeSurface } from '../../surfaces/exchange';
import { unroutedSurface } from '../../surfaces/plain';
import { RequestRecord } from '../../usage/request-record';
import { fromFunctionUrlEvent, type GatewayRequest } from '../request';
import type { GatewayLambdaContext } from '../request-context';
import type { GatewayResponse } from '../response';
import type { RouteMatch } from '../router';
import { refuseUpgrade } from '../upgrade';

/** Time kept back from the function's limit to end a response cleanly (an in-band error, a clean end). */
export const RESPONSE_SAFETY_MARGIN_MS = 2_000;
/** Used when the context does not say (Lambda's maximum timeout). */
const DEFAULT_REMAINING_MS = 900_000;

/** What routing needs of a route's handler: the surface that opens its exchange. */
export interface Routable {
  readonly surface: ExchangeSurface;
}

/** The routed request, kept beside the context for the handler. */
export type Routing<T> = { readonly match: RouteMatch<T> } | { readonly error: GatewayError };

/**
 * Reads the Function URL event, routes it, and opens the request's exchange (from the route's
 * surface, or the path's format when nothing matched) and its record. A routing refusal (404, 405,
 * an upgrade request) is kept for the handler to throw, so it is answered in the right format.
 */
export function requestContext<T extends Routable>(options: {
  readonly metricsNamespace: string;
  readonly route: (request: GatewayRequest) => RouteMatch<T>;
}): MiddlewareObj<APIGatewayProxyEventV2, GatewayResponse> {
  return {
    before: (request) => {
      const startedAt = performance.now();
      const requestId = request.context?.awsRequestId || randomUUID();
      const gatewayRequest = fromFunctionUrlEvent(request.event, requestId, startedAt);
      let routing: Routing<T>;
      try {
        refuseUpgrade(gatewayRequest.headers);
        routing = { match: options.route(gatewayRequest) };
      } catch (error) {
        routing = { error: toGatewayError(error) };
      }
      const surface = 'match' in routing ? routing.match.handler.surface : unroutedSurface(gatewayRequest.path);
      const context = request.context as GatewayLambdaContext & { routing: Routing<T> };
      context.routing = routing;
      context.gateway = {
        request: gatewayRequest,
        record: new RequestRecord(requestId, startedAt, options.metricsNamespace),
        exchange: new Exchange(surface, gatewayRequest.headers),
        deadline: Date.now() + (request.context?.getRemainingTimeInMillis?.() ?? DEFAULT_REMAINING_MS) - RESPONSE_SAFETY_MARGIN_MS,
      };
    },
  };
}
