import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { ErrorKind, UpstreamError } from '../kernel/errors';

/** Keep-alive agents: a warm Lambda reuses its TLS connections to Mantle. */
const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: Infinity });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: Infinity });

/** A request to send, already authorised. */
export interface SendRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly connectTimeoutMs: number;
  readonly firstByteTimeoutMs: number;
}

/**
 * The connection failed before any answer: refused, reset, or closed under a reused keep-alive
 * socket. Retried (SPEC: "connection failures"); a timeout waiting for the answer is not.
 */
export class UpstreamConnectError extends UpstreamError {
  public override readonly name: string = 'UpstreamConnectError';
  public constructor(cause: unknown, connected: boolean) {
    super(
      502,
      ErrorKind.upstream,
      connected ? 'upstream_connection_lost' : 'upstream_unreachable',
      connected ? 'The connection to Bedrock Mantle closed before it answered.' : 'Could not reach Bedrock Mantle.',
      { cause },
    );
  }
}

/** The request was sent but no answer came in time: it may be billed, so it is never retried. */
export class UpstreamFirstByteTimeoutError extends UpstreamError {
  public override readonly name: string = 'UpstreamFirstByteTimeoutError';
  public constructor(timeoutMs: number) {
    super(504, ErrorKind.timeout, 'upstream_timeout', `Bedrock Mantle did not answer within ${timeoutMs} ms.`);
  }
}

/**
 * Sends one HTTP request and resolves with the response head; the body streams from the returned
 * message. Redirects are never followed (a 3xx is returned as it is).
 */
export function send(req: SendRequest): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const secure = req.url.protocol === 'https:';
    const outgoing = (secure ? httpsRequest : httpRequest)({
      method: req.method,
      hostname: req.url.hostname.replace(/^\[|\]$/g, ''),
      port: req.url.port || (secure ? 443 : 80),
      path: req.url.pathname + req.url.search,
      headers: { ...req.headers, 'content-length': String(req.body.length) },
      agent: secure ? httpsAgent : httpAgent,
    });
    let connected = false;
    let connectTimer: NodeJS.Timeout | undefined;
    let firstByteTimer: NodeJS.Timeout | undefined;
    const clear = (): void => {
      clearTimeout(connectTimer);
      clearTimeout(firstByteTimer);
    };
    outgoing.once('socket', (socket) => {
      // A reused keep-alive socket is already connected.
      if (!socket.connecting) {
        connected = true;
        return;
      }
      connectTimer = setTimeout(() => outgoing.destroy(new Error(`connect timeout after ${req.connectTimeoutMs} ms`)), req.connectTimeoutMs);
      socket.once(secure ? 'secureConnect' : 'connect', () => {
        connected = true;
        clearTimeout(connectTimer);
      });
    });
    outgoing.once('finish', () => {
      firstByteTimer = setTimeout(() => {
        outgoing.destroy();
        reject(new UpstreamFirstByteTimeoutError(req.firstByteTimeoutMs));
      }, req.firstByteTimeoutMs);
    });
    outgoing.once('response', (res) => {
      clear();
      resolve(res);
    });
    outgoing.once('error', (error) => {
      clear();
      reject(new UpstreamConnectError(error, connected));
    });
    outgoing.end(req.body);
  });
}

/** Read options: how much to keep, and how long the body may pause. */
export interface ReadBodyOptions {
  readonly capBytes?: number;
  /** No byte for this long ends the read with a 504 (a whole body can stall too). */
  readonly idleTimeoutMs?: number;
}

/** Reads a body fully, keeping at most `capBytes` (events rather than an async iterator: it runs on every answer). */
export function readBody(message: IncomingMessage, { capBytes = 1024 * 1024, idleTimeoutMs }: ReadBodyOptions = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      if (idleTimeoutMs === undefined) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        // Settle first: destroying the message emits its own errors.
        reject(new UpstreamError(504, ErrorKind.timeout, 'upstream_idle_timeout', `Bedrock Mantle stopped sending its answer for ${idleTimeoutMs} ms.`));
        message.destroy();
      }, idleTimeoutMs);
    };
    arm();
    message.on('data', (chunk: Buffer) => {
      arm();
      if (size < capBytes) chunks.push(chunk);
      size += chunk.length;
    });
    message.once('close', () => clearTimeout(timer));
    message.once('end', () => {
      clearTimeout(timer);
      resolve(chunks.length === 1 && size <= capBytes ? chunks[0]! : Buffer.concat(chunks).subarray(0, capBytes));
    });
    message.once('error', reject);
    message.once('aborted', () =>
      reject(new UpstreamError(502, ErrorKind.upstream, 'upstream_connection_lost', 'The connection to Bedrock Mantle closed mid-answer.')),
    );
  });
}
