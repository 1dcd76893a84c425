/**
 * The only client headers that reach Mantle. Credentials, cookies, `x-amz-*` and a client's
 * `OpenAI-Project` never do (the project comes from the configuration).
 */
export const FORWARDED_CLIENT_HEADERS = ['content-type', 'accept', 'anthropic-version', 'anthropic-beta', 'openai-beta', 'idempotency-key'] as const;

/** Picks the forwarded headers from a request's (lower-case) headers. */
export function forwardedHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of FORWARDED_CLIENT_HEADERS) {
    const value = headers[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}
