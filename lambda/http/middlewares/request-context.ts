import { randomUUID } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { errorFormatFor } from '../../surfaces/error-format';
import { RequestRecord } from '../../usage/request-record';
import { fromFunctionUrlEvent } from '../request';
import type { GatewayLambdaContext } from '../request-context';
import type { GatewayResponse } from '../response';

/** Time kept back from the function's limit to end a response cleanly (an in-band error, a clean end). */
export const RESPONSE_SAFETY_MARGIN_MS = 2_000;
/** Used when the context does not say (Lambda's maximum timeout). */
const DEFAULT_REMAINING_MS = 900_000;

/** Reads the Function URL event and opens the request's record. */
export function requestContext(options: { readonly metricsNamespace: string }): MiddlewareObj<APIGatewayProxyEventV2, GatewayResponse> {
  return {
    before: (request) => {
      const startedAt = performance.now();
      const requestId = request.context?.awsRequestId || randomUUID();
      const gatewayRequest = fromFunctionUrlEvent(request.event, requestId, startedAt);
      (request.context as GatewayLambdaContext).gateway = {
        request: gatewayRequest,
        record: new RequestRecord(requestId, startedAt, options.metricsNamespace),
        errorFormat: errorFormatFor(gatewayRequest.path, gatewayRequest.headers),
        deadline: Date.now() + (request.context?.getRemainingTimeInMillis?.() ?? DEFAULT_REMAINING_MS) - RESPONSE_SAFETY_MARGIN_MS,
      };
    },
  };
}
