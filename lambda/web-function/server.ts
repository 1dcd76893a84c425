import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { RequestPath } from '../http/request-path';
import { readRequestBody, toFunctionUrlEvent } from '../http/event-from-http';
import type { GatewayLambdaContext } from '../http/request-context';
import { logger } from '../kernel/log';

/** Lambda's own limit on a request payload (Web Functions read the body whole before the answer starts). */
export const WEB_FUNCTION_MAX_REQUEST_BYTES = 6 * 1024 * 1024;
/** The function timeout when the stack did not say (GATEWAY_REQUEST_TIMEOUT_SECONDS): Lambda's maximum. */
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 900;
/** Lambda gives a Web Function about one second after SIGTERM; the records must be out well before. */
export const SHUTDOWN_BUDGET_MS = 700;

/** Options of the Web Function server. */
export interface WebFunctionServerOptions {
  /** The function's timeout: each request's in-band deadline derives from it. */
  readonly requestTimeoutSeconds?: number;
  /** The clock deadlines are measured with. */
  readonly now?: () => number;
}

/** A running Web Function server. */
export interface WebFunctionServer {
  readonly server: Server;
  /** Requests whose answer is still being written. */
  inFlight(): number;
  /**
   * What SIGTERM does: stop accepting at once, end every running answer (its record is written,
   * marked partial) and resolve when the records are out.
   */
  shutdown(): Promise<void>;
}

/**
 * The gateway as a Lambda Web Function (SPEC section 15): an ordinary Node HTTP server in front of
 * the same request path as the Function URL handler (routes, middlewares, errors, records, streams).
 * What differs is only here: the request id is Lambda's `lambda-web-request-id` when present, the
 * deadline comes from GATEWAY_REQUEST_TIMEOUT_SECONDS, answers are written straight to the socket
 * with backpressure, a client that goes away destroys its answer (which closes the upstream request
 * and writes the record), and SIGTERM ends every running answer with its record.
 */
export function createWebFunctionServer(path: RequestPath, options: WebFunctionServerOptions = {}): WebFunctionServer {
  const timeoutMs = (options.requestTimeoutSeconds ?? DEFAULT_REQUEST_TIMEOUT_SECONDS) * 1000;
  const now = options.now ?? Date.now;
  const running = new Set<{ readonly res: ServerResponse; readonly body?: Readable }>();

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const header = req.headers['lambda-web-request-id'];
    const requestId = typeof header === 'string' && /^[\w-]{1,128}$/.test(header) ? header : randomUUID();
    const body = await readRequestBody(req, WEB_FUNCTION_MAX_REQUEST_BYTES).catch(() => undefined);
    if (body === undefined) {
      res.writeHead(413, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          error: {
            message: 'The request body is larger than Lambda accepts (6 MiB).',
            type: 'invalid_request_error',
            param: null,
            code: 'request_too_large',
          },
        }),
      );
      return;
    }
    const deadline = now() + timeoutMs;
    const context: Partial<GatewayLambdaContext> = { awsRequestId: requestId, getRemainingTimeInMillis: () => Math.max(0, deadline - now()) };
    const entry: { res: ServerResponse; body?: Readable } = { res };
    running.add(entry);
    try {
      const response = await path(toFunctionUrlEvent(req, body, requestId) as never, context);
      if (res.destroyed) {
        // The client left while the answer was being prepared.
        if (response.body instanceof Readable) response.body.destroy();
        response.onSent?.();
        return;
      }
      res.writeHead(response.statusCode, response.headers);
      if (response.body instanceof Readable) {
        const stream = response.body;
        entry.body = stream;
        // pipeline() keeps backpressure; a client that goes away destroys the body, which ends the
        // relay (and its upstream request); the record is written when the body has closed.
        const sent = await pipeline(stream, res).then(
          () => true,
          () => false,
        );
        if (sent) response.onSent?.();
        else if (!stream.closed) await new Promise<void>((resolve) => stream.once('close', () => resolve()));
      } else {
        await new Promise<void>((resolve) => res.end(response.body, () => resolve()));
        response.onSent?.();
      }
    } catch (error) {
      // The request path answers every error itself; reaching here is a bug, never input.
      logger.log('ERROR', 'web function request failed', { requestId, error: (error as Error)?.name ?? 'Error' });
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end();
    } finally {
      running.delete(entry);
    }
  }

  const server = createServer((req, res) => void serve(req, res));
  // Longer than the load balancer's idle timeout in front of the endpoint, so it closes first.
  server.keepAliveTimeout = 65_000;

  return {
    server,
    inFlight: () => running.size,
    shutdown: async () => {
      server.close();
      server.closeIdleConnections();
      for (const entry of running) {
        entry.body?.destroy();
        entry.res.destroy();
      }
      // Records are written on the streams' close events; let them run, and stdout drain.
      const until = now() + SHUTDOWN_BUDGET_MS;
      while (running.size > 0 && now() < until) await new Promise((r) => setTimeout(r, 5));
      await new Promise<void>((resolve) => (process.stdout.writableLength === 0 ? resolve() : process.stdout.once('drain', () => resolve())));
    },
  };
}

/** `host:port` of AWS_LAMBDA_HTTP_ENDPOINT. */
export function parseHttpEndpoint(value: string | undefined): { host: string; port: number } {
  const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(value?.trim() ?? '');
  if (!m) throw new Error(`AWS_LAMBDA_HTTP_ENDPOINT must be host:port (got "${value ?? ''}").`);
  return { host: m[1]!, port: Number(m[2]) };
}
