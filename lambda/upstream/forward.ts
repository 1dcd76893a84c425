import type { IncomingMessage } from 'node:http';
import type { AccountConfig } from '../config/schema';
import type { GatewaySettings } from '../config/settings';
import type { UpstreamAuth } from '../credentials/upstream-auth';
import type { PrefixChoice } from '../routing/path-prefix';
import { OpenAIPrefix, type ApiSurface } from '../surfaces/surface';
import { upstreamOrigin } from './endpoint';
import { BERM_REFUSAL, explainUpstreamError } from './explain';
import { readBody, send } from './http-client';

/** One call to Mantle: where it goes, how it is authenticated, what it carries. */
export interface ForwardRequest {
  readonly method: string;
  readonly surface: ApiSurface;
  readonly account: AccountConfig;
  readonly region: string;
  /** The prefix for the OpenAI surfaces, and whether a Berm refusal may move it to `/openai/v1`. */
  readonly prefix: PrefixChoice;
  /** Called when a Berm retry succeeded, so the route is remembered. */
  readonly onOpenAIV1Learned?: () => void;
  /** For explanations of refusals. */
  readonly modelId: string;
  readonly auth: UpstreamAuth;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** Path after the surface's path for follow-ups (e.g. `/resp_123/cancel`). */
  readonly suffix?: string;
  /** Query string to pass on (without `?`). */
  readonly query?: string;
}

/** A 2xx answer from Mantle and what the call took. */
export interface ForwardResult {
  readonly response: IncomingMessage;
  readonly prefix: OpenAIPrefix;
  readonly attempts: number;
}

/** Sends requests to Mantle: region, path prefix, signing, and the one Berm retry. */
export class Forwarder {
  public constructor(private readonly settings: GatewaySettings) {}

  /** Resolves with a 2xx response; any other answer becomes an explained UpstreamError. */
  public async forward(req: ForwardRequest): Promise<ForwardResult> {
    const choice = req.surface.usesOpenAIPrefix ? req.prefix : { prefix: OpenAIPrefix.v1, retryOnBerm: false };
    let prefix = choice.prefix;
    let attempts = 0;
    for (;;) {
      attempts++;
      const response = await this.sendOnce(req, prefix);
      const status = response.statusCode ?? 502;
      if (status >= 200 && status < 300) return { response, prefix, attempts };
      const body = await readBody(response);
      // A Berm refusal comes before inference, so retrying on /openai/v1 bills nothing twice.
      if (status === 401 && choice.retryOnBerm && prefix === OpenAIPrefix.v1 && body.toString('utf8').includes(BERM_REFUSAL)) {
        req.onOpenAIV1Learned?.();
        prefix = OpenAIPrefix.openaiV1;
        continue;
      }
      throw explainUpstreamError(status, response.headers, body, { authType: req.account.auth.type, modelId: req.modelId });
    }
  }

  private async sendOnce(req: ForwardRequest, prefix: OpenAIPrefix): Promise<IncomingMessage> {
    const origin = upstreamOrigin(req.account, req.region, this.settings.simulatorEndpoint);
    const url = new URL(origin + req.surface.upstreamPath(prefix) + (req.suffix ?? '') + (req.query ? `?${req.query}` : ''));
    const headers = await req.auth.authorize({ method: req.method, url, region: req.region, headers: req.headers, body: req.body });
    return send({
      method: req.method,
      url,
      headers,
      body: req.body,
      connectTimeoutMs: this.settings.upstreamConnectTimeoutMs,
      firstByteTimeoutMs: this.settings.upstreamFirstByteTimeoutMs,
    });
  }
}
