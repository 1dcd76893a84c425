import { pipeline } from 'node:stream/promises';
import { Readable, type Writable } from 'node:stream';
import type { GatewayResponse } from './response';

/** The part of Lambda's `awslambda` global that response streaming uses. */
interface AwsLambdaStreaming {
  streamifyResponse<H>(handler: H): H;
  HttpResponseStream: { from(stream: Writable, prelude: { statusCode: number; headers: Record<string, string> }): Writable };
}

/** A handler that answers with a GatewayResponse (the middy chain). */
export type ResponseHandler<E, C> = (event: E, context: C) => Promise<GatewayResponse>;

/**
 * Wraps a handler in Lambda response streaming. A whole body is written in one write and ended;
 * a streamed body goes through `pipeline()` with backpressure. Written by hand instead of middy's
 * streaming mode because it is small and on every request's path: middy pipes even a whole JSON
 * body through a stream pipeline (measured in bench/: an AbortController and its DOMException per
 * request). `onSent` runs once the body has been handed to the runtime.
 */
export function streamResponses<E, C>(handler: ResponseHandler<E, C>) {
  const runtime = (globalThis as unknown as { awslambda: AwsLambdaStreaming }).awslambda;
  return runtime.streamifyResponse(async (event: E, responseStream: Writable, context: C): Promise<void> => {
    const response = await handler(event, context);
    const http = runtime.HttpResponseStream.from(responseStream, { statusCode: response.statusCode, headers: response.headers });
    try {
      if (response.body instanceof Readable) {
        await pipeline(response.body, http);
      } else {
        // Something must be written before end(), or Lambda drops the status and headers.
        await new Promise<void>((resolve, reject) => {
          http.once('error', reject);
          http.end(typeof response.body === 'string' ? Buffer.from(response.body) : response.body, () => resolve());
        });
      }
    } finally {
      response.onSent?.();
    }
  });
}
