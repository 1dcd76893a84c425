import { InvalidRequestError } from '../kernel/errors';

/**
 * The only client headers that reach Mantle. Credentials, cookies, `x-amz-*` and a client's
 * `OpenAI-Project` never do (the project comes from the configuration).
 */
export const FORWARDED_CLIENT_HEADERS = ['content-type', 'accept', 'anthropic-version', 'anthropic-beta', 'openai-beta', 'idempotency-key'] as const;

/** What an HTTP header value may hold on the way out: visible ASCII, space and tab (RFC 9110 field-vchar). */
const HEADER_VALUE = /^[\t\x20-\x7e]*$/;

/**
 * Picks the forwarded headers from a request's (lower-case) headers. A value Node would refuse to
 * send (non-ASCII, control characters) is the client's error: a 400 naming the header.
 */
export function forwardedHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of FORWARDED_CLIENT_HEADERS) {
    const value = headers[name];
    if (value === undefined) continue;
    if (!HEADER_VALUE.test(value))
      throw new InvalidRequestError(`The header '${name}' holds characters that are not allowed in an HTTP header (visible ASCII only).`, 'invalid_header', {
        param: name,
      });
    out[name] = value;
  }
  return out;
}
