import { redactArns } from '../kernel/redact';
import { ErrorKind, UpstreamError, type ErrorKind as Kind } from '../kernel/errors';

/** Mantle's answer when a model is called on `/v1` but needs `/openai/v1`. */
export const BERM_REFUSAL = 'Berm is not enabled for this account';

/** AWS's documented wording when a model is called on the prefix that does not serve it. */
const NOT_ON_THIS_ROUTE = /isn't supported on this route|is not supported on this route/i;

/**
 * True for a refusal that may mean the model is served on the other prefix: the Berm 401, a 4xx
 * saying the model "isn't supported on this route", or a 400 saying the model does not support the
 * very path that was tried.
 */
export function isRouteRefusal(status: number, body: Buffer, pathTried: string): boolean {
  if (status < 400 || status >= 500) return false;
  const message = upstreamMessage(body);
  if (status === 401 && message.includes(BERM_REFUSAL)) return true;
  if (NOT_ON_THIS_ROUTE.test(message)) return true;
  return status === 400 && message.includes(`does not support the '${pathTried}' API`);
}

/** The message of a Mantle error body (`error.message`, a bare `error` string, or `message`). */
export function upstreamMessage(body: Buffer): string {
  const text = body.toString('utf8');
  try {
    // Untrusted JSON: only string members are taken.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const parsed = JSON.parse(text) as Record<string, any>;
    const message = typeof parsed.error === 'string' ? parsed.error : (parsed.error?.message ?? parsed.message);
    if (typeof message === 'string') return message;
  } catch {
    // not JSON: fall through to the text
  }
  return text.trim();
}

const KIND_BY_STATUS: Readonly<Record<number, Kind>> = {
  400: ErrorKind.invalidRequest,
  404: ErrorKind.notFound,
  413: ErrorKind.payloadTooLarge,
  422: ErrorKind.invalidRequest,
  429: ErrorKind.rateLimit,
};

/** Context that makes an explanation precise. */
export interface ExplainContext {
  readonly authType: string;
  readonly modelId: string;
}

/**
 * Turns a Mantle refusal into the error the caller sees, explained: what permission is missing,
 * which API to use instead, when to retry. Statuses are kept where they mean the same to the caller.
 */
export function explainUpstreamError(
  status: number,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  body: Buffer,
  ctx: ExplainContext,
): UpstreamError {
  const message = redactArns(upstreamMessage(body));
  const said = message ? ` Mantle said: ${message}` : '';
  if (status === 401 || status === 403) {
    const bearer = ctx.authType === 'api-key' ? ' and bedrock-mantle:CallWithBearerToken' : '';
    const hint = message.includes(BERM_REFUSAL)
      ? ` The model '${ctx.modelId}' may need the /openai/v1 path prefix: set its "route" to "openai-v1".`
      : ` The account's credentials need bedrock-mantle:CreateInference${bearer} on the account's projects (or the AmazonBedrockMantleInferenceAccess managed policy).`;
    return new UpstreamError(403, ErrorKind.permission, 'upstream_access_denied', `Bedrock Mantle refused the request (access denied).${hint}${said}`);
  }
  if ((status === 400 || status === 404) && /not support|isn't supported|is not supported/i.test(message)) {
    return new UpstreamError(
      400,
      ErrorKind.invalidRequest,
      'unsupported_api',
      `The model '${ctx.modelId}' does not support this API on Mantle: use Chat Completions (/v1/chat/completions), or the Messages API (/v1/messages) for Anthropic models.${said}`,
    );
  }
  if (status === 429) {
    const retryAfter = headers['retry-after'];
    return new UpstreamError(429, ErrorKind.rateLimit, 'rate_limit_exceeded', `Bedrock Mantle is throttling this model (tokens per minute quota).${said}`, {
      headers: typeof retryAfter === 'string' ? { 'retry-after': retryAfter } : {},
    });
  }
  if (status >= 500) {
    const mapped = status === 503 || status === 504 || status === 502 ? status : 502;
    return new UpstreamError(mapped, ErrorKind.upstream, 'upstream_error', `Bedrock Mantle failed (${status}).${said}`);
  }
  if (status >= 300 && status < 400) {
    return new UpstreamError(
      502,
      ErrorKind.upstream,
      'upstream_redirect',
      `Bedrock Mantle answered with a redirect (${status}); the gateway never follows redirects.`,
    );
  }
  const kind = KIND_BY_STATUS[status] ?? ErrorKind.invalidRequest;
  return new UpstreamError(status, kind, 'upstream_rejected', message || `Bedrock Mantle rejected the request (${status}).`);
}
