import { Readable } from 'node:stream';
import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { toGatewayError, type GatewayError } from '../../kernel/errors';
import { logger } from '../../kernel/log';
import type { GatewayLambdaContext } from '../request-context';
import { jsonResponse, type GatewayResponse } from '../response';

type MiddyRequest = Request<APIGatewayProxyEventV2, GatewayResponse>;

/**
 * Turns errors into the exchange's error format with a real status, adds `x-request-id` and
 * `Server-Timing`, and writes the request's record when the body has been sent (in streaming mode
 * `after` runs before the body goes out, so the record waits for the body's end).
 */
export function responseFinalizer(): MiddlewareObj<APIGatewayProxyEventV2, GatewayResponse> {
  const finalize = (request: MiddyRequest, error?: GatewayError): void => {
    const ctx = (request.context as GatewayLambdaContext).gateway;
    const response = request.response!;
    const { record, exchange } = ctx;
    const headers: Record<string, string> = { ...response.headers, 'x-request-id': record.requestId };
    // The phases known before the first byte, and the gateway's time so far.
    const gateway = `gateway;dur=${(performance.now() - ctx.request.startedAt).toFixed(3)}`;
    const timing = record.serverTiming();
    headers['server-timing'] = timing ? `${timing}, ${gateway}` : gateway;
    // RequestRecord.finish writes once, whichever of these comes first.
    const end = (): void => record.finish(exchange.end(response.statusCode, error));
    if (response.body instanceof Readable) {
      response.body.once('end', end);
      response.body.once('close', end);
      response.body.once('error', end);
    }
    request.response = { statusCode: response.statusCode, headers, body: response.body, onSent: end };
  };

  return {
    after: (request) => finalize(request),
    onError: (request) => {
      const ctx = (request.context as GatewayLambdaContext).gateway;
      const error = toGatewayError(request.error);
      if (!ctx) throw request.error; // the event could not even be read: let the runtime answer
      if (error.status >= 500 && error.code === 'internal_error') {
        const cause = error.cause as Error | undefined;
        logger.log('ERROR', 'unhandled error', {
          requestId: ctx.record.requestId,
          error: cause?.name ?? 'Error',
          stack: cause?.stack?.split('\n').slice(1, 6).join(' | '),
        });
      }
      request.response = jsonResponse(error.status, ctx.exchange.errorFormat.body(error), { ...error.headers });
      finalize(request, error);
    },
  };
}
