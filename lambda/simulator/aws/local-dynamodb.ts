import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { closeServer, listen } from '../../runtime/listen';

/** A fault the stand-in answers with instead of the real operation. */
export type DynamoFault = { readonly kind: 'error'; readonly status: number; readonly code: string } | { readonly kind: 'stall'; readonly ms: number };

/**
 * A real DynamoDB-compatible server in this process: dynalite (LevelDB in memory, no Java, no
 * Docker) behind a thin loopback front that counts calls per operation and fails or stalls on
 * demand, so tests can prove "no DynamoDB call" and exercise an unreachable table. Reach it with
 * `AWS_ENDPOINT_URL_DYNAMODB`. dynalite has no transactions and no UpdateTimeToLive; the gateway
 * uses neither on its request path.
 */
export class LocalDynamoDb {
  /** Calls per operation (`UpdateItem`, `GetItem`, …). */
  public readonly calls = new Map<string, number>();
  private readonly faults: DynamoFault[] = [];
  private down: DynamoFault | undefined;
  private server: Server | undefined;
  private backend: Server | undefined;

  /** Starts on loopback; resolves with its URL. */
  public async start(port = 0): Promise<string> {
    const dynalite = require('dynalite') as (options: Record<string, unknown>) => Server;
    this.backend = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    const handle = this.backend.listeners('request')[0] as RequestListener;
    this.server = createServer((req, res) => this.serve(req, res, handle));
    this.server.keepAliveTimeout = 60_000;
    return listen(this.server, port, '127.0.0.1');
  }

  /** Total calls of an operation so far. */
  public callCount(operation?: string): number {
    if (operation) return this.calls.get(operation) ?? 0;
    return [...this.calls.values()].reduce((a, b) => a + b, 0);
  }

  /** The next `count` calls answer with `fault`. */
  public failNext(count: number, fault: DynamoFault): void {
    for (let i = 0; i < count; i++) this.faults.push(fault);
  }

  /** Every call answers with `fault` until `restore()`. */
  public breakDown(fault: DynamoFault): void {
    this.down = fault;
  }

  public restore(): void {
    this.down = undefined;
    this.faults.length = 0;
  }

  public async close(): Promise<void> {
    if (this.server) await closeServer(this.server);
    await new Promise<void>((resolve) => (this.backend ? this.backend.close(() => resolve()) : resolve()));
  }

  private serve(req: IncomingMessage, res: ServerResponse, handle: RequestListener): void {
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.split('.').at(-1) ?? target;
    this.calls.set(operation, (this.calls.get(operation) ?? 0) + 1);
    const fault = this.down ?? this.faults.shift();
    if (!fault) return void handle(req, res);
    req.resume();
    if (fault.kind === 'stall') {
      const timer = setTimeout(() => handle(req, res), fault.ms);
      res.once('close', () => clearTimeout(timer));
      return;
    }
    res.writeHead(fault.status, { 'content-type': 'application/x-amz-json-1.0' });
    res.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${fault.code}`, message: `simulated ${fault.code}` }));
  }
}
