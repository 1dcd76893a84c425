import type { IncomingMessage } from 'node:http';
import type { AccountConfig } from '../config/schema';
import type { GatewaySettings } from '../config/settings';
import type { UpstreamAuth } from '../credentials/upstream-auth';
import { otherPrefix, type PrefixChoice } from '../routing/path-prefix';
import { OpenAIPrefix } from '../kernel/openai-prefix';
import type { ApiSurface } from '../surfaces/surface';
import { upstreamOrigin } from './endpoint';
import { explainUpstreamError, isRouteRefusal } from './explain';
import { readBody, send, UpstreamConnectError, UpstreamFirstByteTimeoutError, type SendRequest } from './http-client';
import { backoffMs, MAX_INTERNAL_WAIT_MS, RETRYABLE_STATUSES, retryAfterMs } from './retry-policy';

/** One call to Mantle: where it goes, how it is authenticated, what it carries. */
export interface ForwardRequest {
  readonly method: string;
  /** Where the call goes on Mantle, given the prefix. */
  readonly surface: Pick<ApiSurface, 'upstreamPath'>;
  readonly account: AccountConfig;
  readonly region: string;
  /** The prefix for the OpenAI surfaces, and whether a route refusal may move it to the other one. */
  readonly prefix: PrefixChoice;
  /** Called when the other prefix answered with something other than a route refusal, so it is remembered. */
  readonly onPrefixLearned?: (prefix: OpenAIPrefix) => void;
  /** For explanations of refusals. */
  readonly modelId: string;
  readonly auth: UpstreamAuth;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** Path after the surface's path for follow-ups (e.g. `/resp_123/cancel`). */
  readonly suffix?: string;
  /** Query string to pass on (without `?`). */
  readonly query?: string;
  /** Epoch ms by which the answer must have started; retries and waits stay inside it. */
  readonly deadline: number;
  /** False for a target of a group: its 429 goes at once to the next target instead of being retried. */
  readonly retryThrottles?: boolean;
}

/** A 2xx answer from Mantle and what the call took. */
export interface ForwardResult {
  readonly response: IncomingMessage;
  readonly prefix: OpenAIPrefix;
  readonly attempts: number;
}

/** Sends one HTTP request and resolves with the response head (http-client's `send` by default). */
export type HttpSender = (request: SendRequest) => Promise<IncomingMessage>;

/** What the forwarder waits with and reads time from; replaced in tests so retries run without sleeping. */
export interface ForwarderClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: ForwarderClock = { now: Date.now, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

/** What a Forwarder may be given instead of its real collaborators. */
export interface ForwarderOptions {
  readonly send?: HttpSender;
  readonly random?: () => number;
  readonly clock?: ForwarderClock;
}

/**
 * Sends requests to Mantle: region, path prefix, signing, the one Berm retry, and retries of
 * throttling, transient failures and failed connections. Every retry happens before the client
 * got a byte, waits with jittered exponential backoff (or Mantle's Retry-After when it fits the
 * deadline), and never follows a request whose answer timed out: it may already be billed.
 */
export class Forwarder {
  private readonly send: HttpSender;
  private readonly random: () => number;
  private readonly clock: ForwarderClock;

  public constructor(
    private readonly settings: GatewaySettings,
    options: ForwarderOptions = {},
  ) {
    this.send = options.send ?? send;
    this.random = options.random ?? Math.random;
    this.clock = options.clock ?? realClock;
  }

  /** Resolves with a 2xx response; any other answer becomes an explained UpstreamError. */
  public async forward(req: ForwardRequest): Promise<ForwardResult> {
    const choice = req.prefix;
    let prefix = choice.prefix;
    /** The first prefix's route refusal, once the other prefix is being tried. */
    let firstRefusal: Error | undefined;
    let attempts = 0;
    const maxAttempts = this.settings.upstreamMaxAttempts;
    const learn = (): void => {
      if (firstRefusal) req.onPrefixLearned?.(prefix);
      firstRefusal = undefined;
    };
    for (;;) {
      attempts++;
      let response: IncomingMessage;
      try {
        response = await this.sendOnce(req, prefix);
      } catch (error) {
        // Only a connection that never carried the request is safe to try again.
        const wait = backoffMs(attempts, this.random);
        if (error instanceof UpstreamConnectError && attempts < maxAttempts && this.fits(wait, req.deadline)) {
          await this.clock.sleep(wait);
          continue;
        }
        throw error;
      }
      const status = response.statusCode ?? 502;
      if (status >= 200 && status < 300) {
        learn();
        return { response, prefix, attempts };
      }
      const body = await readBody(response, { idleTimeoutMs: this.settings.streamIdleTimeoutMs });
      const explained = (): Error => explainUpstreamError(status, response.headers, body, { authType: req.account.auth.type, modelId: req.modelId });
      // A route refusal comes before inference, so trying the other prefix bills nothing twice.
      if (choice.retryOther && isRouteRefusal(status, body, req.surface.upstreamPath(prefix))) {
        if (firstRefusal) throw firstRefusal; // both prefixes refused: the client gets the first refusal
        firstRefusal = explained();
        prefix = otherPrefix(prefix);
        attempts--;
        continue;
      }
      learn();
      if (RETRYABLE_STATUSES.has(status) && attempts < maxAttempts && !(status === 429 && req.retryThrottles === false)) {
        const asked = retryAfterMs(response.headers['retry-after']);
        const wait = asked ?? backoffMs(attempts, this.random);
        // A longer Retry-After is passed on to the client (with the 429) rather than waited out here.
        if (wait <= MAX_INTERNAL_WAIT_MS && this.fits(wait, req.deadline)) {
          await this.clock.sleep(wait);
          continue;
        }
      }
      throw explained();
    }
  }

  /** True when waiting `ms` still leaves time for an attempt before the deadline. */
  private fits(ms: number, deadline: number): boolean {
    return this.clock.now() + ms + this.settings.upstreamConnectTimeoutMs < deadline;
  }

  private async sendOnce(req: ForwardRequest, prefix: OpenAIPrefix): Promise<IncomingMessage> {
    const remaining = req.deadline - this.clock.now();
    if (remaining <= 0) throw new UpstreamFirstByteTimeoutError(0);
    const origin = upstreamOrigin(req.account, req.region, this.settings.simulatorEndpoint);
    const url = new URL(origin + req.surface.upstreamPath(prefix) + (req.suffix ?? '') + (req.query ? `?${req.query}` : ''));
    const headers = await req.auth.authorize({ method: req.method, url, region: req.region, headers: req.headers, body: req.body });
    return this.send({
      method: req.method,
      url,
      headers,
      body: req.body,
      connectTimeoutMs: this.settings.upstreamConnectTimeoutMs,
      firstByteTimeoutMs: Math.min(this.settings.upstreamFirstByteTimeoutMs, remaining),
    });
  }
}
