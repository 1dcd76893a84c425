import { randomUUID } from 'node:crypto';
import { createServer, ServerResponse, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { closeServer, listen } from './listen';
import { readRequestBody, toFunctionUrlEvent } from '../http/event-from-http';
import { DEFAULT_STREAM_CONTENT_TYPE, HTTP_INTEGRATION_CONTENT_TYPE, LocalResponseStream, PRELUDE_DELIMITER, type StreamingHandler } from './awslambda';

/** Lambda's own limit on a Function URL request payload. */
export const FUNCTION_URL_MAX_REQUEST_BYTES = 6 * 1024 * 1024;
/** Lambda's maximum function timeout, used for `getRemainingTimeInMillis`. */
export const DEFAULT_FUNCTION_TIMEOUT_MS = 900_000;

export interface FunctionUrlServerOptions {
  readonly handler: StreamingHandler;
  readonly port?: number;
  readonly host?: string;
  readonly functionTimeoutMs?: number;
}

/** A running local Function URL. */
export interface RunningServer {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/**
 * Relays what the function writes to the HTTP client. With the integration content type, the bytes
 * up to the 8 NUL delimiter are the JSON prelude (status, headers, cookies); without one, Lambda
 * answers 200 with the stream's content type. Writes after the client left are dropped, as on Lambda.
 */
class ResponseRelay {
  private head: Buffer[] = [];
  private headLength = 0;
  private started = false;
  private corked = false;
  private ended = false;

  public constructor(
    private readonly res: ServerResponse,
    private readonly stream: LocalResponseStream,
    private readonly requestId: string,
  ) {}

  public write(chunk: Buffer, done: (error?: Error | null) => void): void {
    if (this.started) return this.forward(chunk, done);
    if (this.stream.getContentType() !== HTTP_INTEGRATION_CONTENT_TYPE) {
      this.start(200, { 'content-type': this.stream.getContentType() }, []);
      return this.forward(chunk, done);
    }
    this.head.push(chunk);
    this.headLength += chunk.length;
    const all = Buffer.concat(this.head, this.headLength);
    const at = all.indexOf(PRELUDE_DELIMITER);
    if (at === -1) return done();
    let prelude: { statusCode?: number; headers?: Record<string, string>; cookies?: string[] } = {};
    try {
      prelude = JSON.parse(all.subarray(0, at).toString('utf8'));
    } catch {
      // Lambda answers 502 for a prelude it cannot read.
      this.start(502, { 'content-type': 'application/json' }, []);
      this.res.end(JSON.stringify({ message: 'Internal Server Error' }));
      return done();
    }
    this.start(prelude.statusCode ?? 200, prelude.headers ?? {}, prelude.cookies ?? []);
    this.head = [];
    const rest = all.subarray(at + PRELUDE_DELIMITER.length);
    return rest.length ? this.forward(rest, done) : done();
  }

  /** The function finished (or failed) without writing anything: Lambda still answers. */
  public finish(failed: boolean): void {
    if (this.ended) return;
    this.ended = true;
    if (!this.started) {
      if (failed) {
        this.start(502, { 'content-type': 'application/json' }, []);
        this.res.end(JSON.stringify({ message: 'Internal Server Error' }));
        return;
      }
      // Headers set with HttpResponseStream.from are lost when nothing was written.
      this.start(200, { 'content-type': DEFAULT_STREAM_CONTENT_TYPE }, []);
    }
    if (failed) this.res.destroy();
    else this.res.end();
  }

  private start(status: number, headers: Record<string, string>, cookies: string[]): void {
    this.started = true;
    if (this.res.destroyed) return;
    this.res.statusCode = status;
    for (const [name, value] of Object.entries(headers)) this.res.setHeader(name, value);
    if (cookies.length) this.res.setHeader('set-cookie', cookies);
    if (!this.res.hasHeader('x-amzn-requestid')) this.res.setHeader('x-amzn-requestid', this.requestId);
    // No flushHeaders(): the head leaves with the first body bytes, which arrive in the same write
    // as the prelude, so the client waits for nothing and the socket sees one write instead of two.
  }

  private forward(chunk: Buffer, done: (error?: Error | null) => void): void {
    if (this.res.destroyed || this.res.writableEnded) return done();
    // Writes of one turn of the event loop leave in one syscall (head, body and end together for a
    // whole answer); a streamed chunk waits at most until the loop's next check phase.
    // The socket is corked, not the response: OutgoingMessage's own cork loses the last chunk when
    // end() comes while corked on Node.js 24 (seen in test/unit/local-runtime.test.ts).
    const socket = this.res.socket;
    if (!this.corked && socket) {
      this.corked = true;
      socket.cork();
      setImmediate(() => {
        this.corked = false;
        socket.uncork();
      });
    }
    if (this.res.write(chunk)) return done();
    // Backpressure: the function's next write waits until the client has taken this one.
    const resume = (): void => {
      this.res.off('drain', resume);
      this.res.off('close', resume);
      done();
    };
    this.res.once('drain', resume);
    this.res.once('close', resume);
  }
}

/**
 * A local Function URL: each HTTP request becomes a payload v2.0 event for the streaming handler,
 * and what the handler writes reaches the client chunk by chunk as it is written.
 */
export async function startFunctionUrlServer(options: FunctionUrlServerOptions): Promise<RunningServer> {
  const timeoutMs = options.functionTimeoutMs ?? DEFAULT_FUNCTION_TIMEOUT_MS;
  const server = createServer((req, res) => {
    void invoke(req, res);
  });
  // A Function URL does not upgrade connections: an upgrade request (a WebSocket handshake) reaches
  // the function as an ordinary request, and its answer closes the connection.
  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as Parameters<ServerResponse['assignSocket']>[0]);
    res.once('finish', () => socket.end());
    void invoke(req, res, Buffer.alloc(0));
  });

  async function invoke(req: IncomingMessage, res: ServerResponse, given?: Buffer): Promise<void> {
    const requestId = randomUUID();
    const body = given ?? (await readRequestBody(req, FUNCTION_URL_MAX_REQUEST_BYTES).catch(() => undefined));
    if (body === undefined) {
      res
        .writeHead(413, { 'content-type': 'application/json' })
        .end(JSON.stringify({ message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation' }));
      return;
    }
    const deadline = Date.now() + timeoutMs;
    const context = {
      awsRequestId: requestId,
      functionName: 'mantle-gateway-local',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:mantle-gateway-local',
      memoryLimitInMB: '1024',
      logGroupName: '/aws/lambda/mantle-gateway-local',
      logStreamName: 'local',
      callbackWaitsForEmptyEventLoop: false,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    // The stream and its relay refer to each other; the holder breaks the cycle of construction.
    const holder: { relay?: ResponseRelay } = {};
    // The response ends as soon as the function ends its stream, not when its promise settles.
    const stream = new LocalResponseStream(
      (chunk, done) => holder.relay!.write(chunk, done),
      () => holder.relay!.finish(false),
    );
    const relay = new ResponseRelay(res, stream, requestId);
    holder.relay = relay;
    let failed = false;
    try {
      await options.handler(toFunctionUrlEvent(req, body, requestId), stream, context);
    } catch (error) {
      failed = true;
      process.stderr.write(`function error: ${(error as Error)?.name ?? 'Error'}: ${(error as Error)?.message ?? String(error)}\n`);
    }
    if (!stream.writableFinished && !failed) {
      await new Promise<void>((resolve) => {
        if (stream.writableFinished) return resolve();
        stream.once('finish', () => resolve());
        stream.once('error', () => resolve());
        stream.once('close', () => resolve());
      });
    }
    relay.finish(failed);
  }

  const url = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  return { url, server, close: () => closeServer(server) };
}
