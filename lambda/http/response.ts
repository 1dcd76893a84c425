import type { Readable } from 'node:stream';

/** What a route returns: middy's streaming mode writes the prelude and pipes the body. */
export interface GatewayResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string | Buffer | Readable;
}

/** A JSON response. */
export function jsonResponse(statusCode: number, payload: unknown, headers: Record<string, string> = {}): GatewayResponse {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(payload) };
}
