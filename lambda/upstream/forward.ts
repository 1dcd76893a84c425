import type { IncomingMessage } from 'node:http';
import type { ResolvedModel } from '../config/gateway-config';
import type { GatewaySettings } from '../config/settings';
import type { UpstreamAuth } from '../credentials/upstream-auth';
import type { PathPrefixPolicy } from '../routing/path-prefix';
import { OpenAIPrefix, type ApiSurface } from '../surfaces/surface';
import { upstreamOrigin } from './endpoint';
import { BERM_REFUSAL, explainUpstreamError } from './explain';
import { readBody, send } from './http-client';

/** One call to Mantle for a resolved model. */
export interface ForwardRequest {
  readonly method: string;
  readonly surface: ApiSurface;
  readonly model: ResolvedModel;
  readonly auth: UpstreamAuth;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** Path after the surface's prefix for follow-ups (e.g. `/resp_123`); empty for creation. */
  readonly suffix?: string;
}

/** A 2xx answer from Mantle and what the call took. */
export interface ForwardResult {
  readonly response: IncomingMessage;
  readonly prefix: OpenAIPrefix;
  readonly attempts: number;
}

/** Sends requests to Mantle: region, path prefix, signing, and the one Berm retry. */
export class Forwarder {
  public constructor(
    private readonly settings: GatewaySettings,
    private readonly prefixes: PathPrefixPolicy,
  ) {}

  /** Resolves with a 2xx response; any other answer becomes an explained UpstreamError. */
  public async forward(req: ForwardRequest): Promise<ForwardResult> {
    const choice = req.surface.usesOpenAIPrefix ? this.prefixes.choose(req.model) : { prefix: OpenAIPrefix.v1, retryOnBerm: false };
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
        this.prefixes.learnOpenAIV1(req.model);
        prefix = OpenAIPrefix.openaiV1;
        continue;
      }
      throw explainUpstreamError(status, response.headers, body, { authType: req.model.account.auth.type, modelId: req.model.model.modelId });
    }
  }

  private async sendOnce(req: ForwardRequest, prefix: OpenAIPrefix): Promise<IncomingMessage> {
    const url = new URL(upstreamOrigin(req.model, this.settings.simulatorEndpoint) + req.surface.upstreamPath(prefix) + (req.suffix ?? ''));
    const headers = await req.auth.authorize({ method: req.method, url, region: req.model.region, headers: req.headers, body: req.body });
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
