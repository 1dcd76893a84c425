import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeServer, listen } from '../runtime/listen';
import { chatCompletion, type SimulatedAnswer } from './chat';
import { SimulatorCredentials } from './credentials';
import { FaultCounter, faultOf, type FaultSpec } from './faults';
import { SIMULATED_CREATED_SECONDS } from './chat';
import { anthropicMessage, messagesPromptTokens } from './messages';
import { SIMULATED_MODEL_BY_ID, SIMULATED_MODELS, type SimulatedModel } from './models';
import { SimulatedHttpError, SimulatedResponses } from './responses';
import { SignatureError, verifySigV4 } from './sigv4-verify';

/** Mantle's SigV4 service name. */
export const SIMULATOR_SIGNING_SERVICE = 'bedrock-mantle';
const BERM_BODY = { error: { code: 'access_denied', message: 'Berm is not enabled for this account', param: null, type: 'permission_denied_error' } };

/** One request the simulator received, for tests to inspect. */
export interface SimulatedRequest {
  readonly method: string;
  readonly path: string;
  /** The query string as received (without `?`). */
  readonly query: string;
  readonly region: string;
  readonly auth: { readonly type: 'sigv4'; readonly accessKeyId: string; readonly sessionToken?: string } | { readonly type: 'bearer' };
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Record<string, unknown> | undefined;
  /** The usage the simulator reported in its answer, in the API's own shape. */
  usage?: unknown;
}

export interface SimulatorOptions {
  readonly port?: number;
  readonly host?: string;
  readonly credentials?: SimulatorCredentials;
  /** Delay between stream events (ms); 0 for tests and benchmarks. */
  readonly eventDelayMs?: number;
  /** The region of requests authenticated with a bearer key (SigV4 requests carry theirs). */
  readonly bearerRegion?: string;
  /** How many requests to keep in `requests`. */
  readonly keepRequests?: number;
}

type Json = Record<string, any>;
type Api = 'chat' | 'responses' | 'messages';

/** Thrown to close the connection without an answer. */
class DropConnection extends Error {}

class HttpError extends Error {
  public constructor(
    public readonly status: number,
    public readonly body: unknown,
    public readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

const anthropicError = (status: number, type: string, message: string): HttpError => new HttpError(status, { type: 'error', error: { type, message } });

const openaiError = (status: number, message: string, type: string, code: string | null = null): HttpError =>
  new HttpError(status, { error: { message, type, param: null, code } });

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A local stand-in for Bedrock Mantle: the same paths and prefixes (with Berm refusals for models
 * that need `/openai/v1`), SigV4 (`bedrock-mantle`) and bearer-key checks, deterministic answers
 * with usage, the real SSE sequences, and fault injection.
 */
export class MantleSimulator {
  public readonly credentials: SimulatorCredentials;
  public readonly requests: SimulatedRequest[] = [];
  /** When callers closed their connection before an answer ended (epoch ms each). */
  public readonly closedEarly: number[] = [];
  /** Regions (and access keys, or `bearer`) answering every inference call with 429, and the Retry-After they send. */
  private readonly throttledRegions = new Map<string, number>();
  private readonly throttledKeys = new Map<string, number>();
  private server: Server | undefined;
  private readonly faults = new FaultCounter();
  private readonly responses = new SimulatedResponses();
  private counter = 0;

  public constructor(private readonly options: SimulatorOptions = {}) {
    this.credentials = options.credentials ?? new SimulatorCredentials();
  }

  /** Starts listening; resolves with the base URL. */
  public start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    return listen(this.server, this.options.port ?? 0, this.options.host ?? '127.0.0.1');
  }

  public close(): Promise<void> {
    return closeServer(this.server);
  }

  /** Throttles a region (per-region quota used up) until `unthrottle`, answering 429 with `retryAfterSeconds`. */
  public throttleRegion(region: string, retryAfterSeconds = 5): void {
    this.throttledRegions.set(region, retryAfterSeconds);
  }

  /** Throttles one account's credentials (an access key id, or `bearer` for API keys). */
  public throttleAccount(accessKeyIdOrBearer: string, retryAfterSeconds = 5): void {
    this.throttledKeys.set(accessKeyIdOrBearer, retryAfterSeconds);
  }

  public unthrottle(): void {
    this.throttledRegions.clear();
    this.throttledKeys.clear();
  }

  /** The requests received on a path (newest last). */
  public requestsTo(path: string): SimulatedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  private nextId(prefix: string): string {
    this.counter++;
    return `${prefix}${String(this.counter).padStart(6, '0')}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const raw = Buffer.concat(chunks);
      const rawUrl = req.url ?? '/';
      const path = rawUrl.split('?')[0]!;
      const { region, auth } = this.authenticate(req, rawUrl, raw);
      let body: Json | undefined;
      if (raw.length) {
        try {
          body = JSON.parse(raw.toString('utf8')) as Json;
        } catch {
          throw openaiError(400, 'Invalid JSON body', 'invalid_request_error');
        }
      }
      const q = rawUrl.indexOf('?');
      const entry: SimulatedRequest = {
        method: req.method ?? 'GET',
        path,
        query: q === -1 ? '' : rawUrl.slice(q + 1),
        region,
        auth,
        headers: req.headers,
        body,
      };
      this.requests.push(entry);
      if (this.requests.length > (this.options.keepRequests ?? 1000)) this.requests.shift();
      const answer = await this.route(req.method ?? 'GET', path, body ?? {}, region, req.headers, auth);
      if (answer.usage !== undefined) entry.usage = answer.usage;
      await this.send(res, answer, faultOf(body ?? {}), path);
    } catch (error) {
      if (error instanceof DropConnection) {
        res.socket?.destroy();
        return;
      }
      if (error instanceof HttpError || error instanceof SimulatedHttpError) {
        const headers = error instanceof HttpError ? error.headers : {};
        if (!res.headersSent) res.writeHead(error.status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(error.body));
        return;
      }
      if (!res.headersSent)
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'simulator failure', type: 'api_error' } }));
      else res.destroy();
    }
  }

  private authenticate(req: IncomingMessage, rawUrl: string, body: Buffer): Pick<SimulatedRequest, 'region' | 'auth'> {
    const authorization = req.headers.authorization ?? '';
    if (authorization.startsWith('Bearer ')) {
      if (!this.credentials.apiKeys.has(authorization.slice(7).trim()))
        throw openaiError(401, 'The API key is invalid.', 'authentication_error', 'invalid_api_key');
      return { region: this.options.bearerRegion ?? 'us-east-1', auth: { type: 'bearer' } };
    }
    if (authorization.startsWith('AWS4-HMAC-SHA256')) {
      try {
        const verified = verifySigV4({ method: req.method ?? 'GET', rawUrl, headers: req.headers, body }, this.credentials, SIMULATOR_SIGNING_SERVICE);
        return {
          region: verified.region,
          auth: { type: 'sigv4', accessKeyId: verified.accessKeyId, ...(verified.sessionToken ? { sessionToken: verified.sessionToken } : {}) },
        };
      } catch (error) {
        if (error instanceof SignatureError) {
          throw openaiError(
            error.status,
            `User is not authorized: ${error.message} (principal arn:aws:iam::123456789012:user/simulated)`,
            'permission_denied_error',
            'access_denied',
          );
        }
        throw error;
      }
    }
    throw openaiError(
      401,
      'Missing authentication: sign the request with SigV4 (service bedrock-mantle) or send a Bedrock API key.',
      'authentication_error',
      'missing_authentication',
    );
  }

  private model(body: Json, prefix: string, api: Api): SimulatedModel {
    const id = body.model;
    const model = typeof id === 'string' ? SIMULATED_MODEL_BY_ID.get(id) : undefined;
    if (!model)
      throw openaiError(404, `The model '${String(id)}' does not exist or is not available in this region.`, 'invalid_request_error', 'model_not_found');
    if (api !== 'messages') {
      if (model.openaiV1 && prefix === '/v1' && model.wrongRoute !== 'not-on-route') throw new HttpError(401, BERM_BODY);
      if (model.openaiV1 !== (prefix === '/openai/v1'))
        throw openaiError(404, `The model '${model.id}' isn't supported on this route.`, 'invalid_request_error', 'unsupported_route');
    }
    if (!model.apis.includes(api)) {
      const path = api === 'chat' ? '/v1/chat/completions' : api === 'responses' ? '/v1/responses' : '/v1/messages';
      throw openaiError(400, `The model does not support the '${path}' API.`, 'invalid_request_error', 'unsupported_api');
    }
    return model;
  }

  private async route(
    method: string,
    path: string,
    body: Json,
    region: string,
    headers: IncomingMessage['headers'],
    auth: SimulatedRequest['auth'],
  ): Promise<SimulatedAnswer> {
    const fault = faultOf(body);
    if (path === '/anthropic/v1/messages' || path === '/anthropic/v1/messages/count_tokens') {
      if (method !== 'POST') throw anthropicError(405, 'invalid_request_error', 'Method not allowed.');
      if (!headers['anthropic-version']) throw anthropicError(400, 'invalid_request_error', 'anthropic-version: header is required');
      const model = this.model(body, '', 'messages');
      this.failIfAsked(body, region, auth);
      if (path.endsWith('/count_tokens')) return { json: { input_tokens: messagesPromptTokens(body) } };
      return anthropicMessage(body, model, this.nextId('msg_sim'), Number(fault.cachedTokens ?? 0), Number(fault.cacheWriteTokens ?? 0));
    }
    const m = /^(\/v1|\/openai\/v1)(\/.*)$/.exec(path);
    const prefix = m?.[1];
    const rest = m?.[2];
    if (prefix && rest === '/models' && method === 'GET') {
      return {
        json: {
          object: 'list',
          data: SIMULATED_MODELS.filter((model) => !model.regions || model.regions.includes(region)).map((model) => ({
            id: model.id,
            object: 'model',
            created: SIMULATED_CREATED_SECONDS,
            owned_by: 'system',
          })),
        },
      };
    }
    if (prefix && rest === '/chat/completions' && method === 'POST') {
      const model = this.model(body, prefix, 'chat');
      this.failIfAsked(body, region, auth);
      return chatCompletion(body, model, this.nextId('chatcmpl-sim'), Number(fault.cachedTokens ?? 0));
    }
    if (prefix && rest === '/responses' && method === 'POST') {
      const model = this.model(body, prefix, 'responses');
      this.failIfAsked(body, region, auth);
      return this.responses.create(body, model, this.nextId('resp_sim'), region, Number(fault.cachedTokens ?? 0));
    }
    const stored = prefix ? /^\/responses\/([A-Za-z0-9_-]+)(\/input_items|\/cancel)?$/.exec(rest ?? '') : null;
    if (stored) {
      const [, id, action] = stored as unknown as [string, string, string | undefined];
      if (action === undefined && method === 'GET') return { json: this.responses.retrieve(id, region) };
      if (action === undefined && method === 'DELETE') return { json: this.responses.delete(id, region) };
      if (action === '/input_items' && method === 'GET') return { json: this.responses.inputItems(id, region) };
      if (action === '/cancel' && method === 'POST') return { json: this.responses.cancel(id, region) };
    }
    throw openaiError(404, `No route for ${method} ${path}`, 'invalid_request_error', 'not_found');
  }

  private failIfAsked(body: Json, region: string, auth: SimulatedRequest['auth']): void {
    const spec = faultOf(body);
    const who = auth.type === 'sigv4' ? auth.accessKeyId : 'bearer';
    const asked = spec.throttleRegions?.includes(region);
    const held = this.throttledRegions.get(region) ?? this.throttledKeys.get(who);
    if (asked || held !== undefined) {
      const retryAfter = held ?? spec.retryAfter ?? 5;
      throw new HttpError(
        429,
        { error: { message: 'Too many tokens, please wait before trying again.', type: 'rate_limit_error', param: null, code: 'throttling' } },
        { 'retry-after': String(retryAfter) },
      );
    }
    if (!this.faults.shouldFail(spec)) return;
    if (spec.drop) throw new DropConnection();
    const status = spec.status!;
    const type = status === 429 ? 'rate_limit_error' : status >= 500 ? 'api_error' : 'invalid_request_error';
    const message = status === 429 ? 'Too many tokens, please wait before trying again.' : `Simulated failure ${status}.`;
    throw new HttpError(
      status,
      { error: { message, type, param: null, code: status === 429 ? 'throttling' : 'simulated' } },
      spec.retryAfter !== undefined ? { 'retry-after': String(spec.retryAfter) } : {},
    );
  }

  private async send(res: ServerResponse, answer: SimulatedAnswer, fault: FaultSpec, path: string): Promise<void> {
    // A caller that closes before the answer ended (the gateway aborting for a client that left).
    res.once('close', () => {
      if (!res.writableFinished) this.closedEarly.push(Date.now());
    });
    if (fault.delayMs) await sleep(fault.delayMs);
    const requestId = `sim-${this.counter}`;
    if (!answer.events) {
      const text = JSON.stringify(answer.json);
      res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': requestId });
      if (fault.stallAfterEvents !== undefined || fault.resetAfterEvents !== undefined) {
        // A whole body can fail too: half of it, then silence (stall) or a dropped connection (reset).
        await new Promise<void>((resolve) => res.write(text.slice(0, text.length >> 1), () => resolve()));
        if (fault.resetAfterEvents !== undefined) {
          await sleep(5);
          res.socket?.destroy();
        }
        return;
      }
      res.end(text);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-amzn-requestid': requestId });
    const delay = fault.eventDelayMs ?? this.options.eventDelayMs ?? 0;
    let sent = 0;
    for (const event of answer.events) {
      if (fault.resetAfterEvents !== undefined && sent >= fault.resetAfterEvents) {
        // Let the events already written reach the gateway, then drop the connection mid-body.
        await new Promise<void>((resolve) => res.write('', () => resolve()));
        await sleep(5);
        res.socket?.destroy();
        return;
      }
      if (fault.stallAfterEvents !== undefined && sent >= fault.stallAfterEvents) return; // keep the connection open, send nothing more
      if (delay) await sleep(delay);
      const frame = fault.stampEvents ? event.replace('data: {', `data: {"sim_t":${(performance.timeOrigin + performance.now()).toFixed(3)},`) : event;
      if (!res.write(frame)) await new Promise((resolve) => res.once('drain', resolve));
      sent++;
      if (fault.malformedError && sent === 1) {
        // Mantle's malformed error frames: a bare {"message"} or an error event whose data is a JSON string.
        res.end(
          path.endsWith('/responses')
            ? 'event: error\ndata: "Internal server error"\n\n'
            : path.startsWith('/anthropic')
              ? 'event: error\ndata: {"message": "Internal server error"}\n\n'
              : 'data: {"message": "Internal server error"}\n\n',
        );
        return;
      }
    }
    res.end();
  }
}
