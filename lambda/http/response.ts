import type { Readable } from 'node:stream';

/** What a route returns; http/stream-response.ts writes the prelude and the body. */
export interface GatewayResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string | Buffer | Readable;
  /** Runs once the whole body was handed to the runtime (or the stream failed). */
  readonly onSent?: () => void;
}

/** A JSON response. */
export function jsonResponse(statusCode: number, payload: unknown, headers: Record<string, string> = {}): GatewayResponse {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(payload) };
}
