import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** A Function URL request as the gateway sees it: lower-case headers, raw body bytes. */
export interface GatewayRequest {
  readonly requestId: string;
  readonly method: string;
  /** The raw path, not decoded: routing refuses encoded slashes and dot segments instead of guessing. */
  readonly path: string;
  readonly query: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** `performance.now()` when the gateway received the event. */
  readonly startedAt: number;
}

/** Reads a Function URL payload v2.0 event. Header names are lower-cased whatever the sender used. */
export function fromFunctionUrlEvent(event: APIGatewayProxyEventV2, requestId: string, startedAt: number): GatewayRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  const raw = event.body ?? '';
  const body = raw === '' ? Buffer.alloc(0) : Buffer.from(raw, event.isBase64Encoded ? 'base64' : 'utf8');
  return {
    requestId,
    method: (event.requestContext?.http?.method ?? 'GET').toUpperCase(),
    path: event.rawPath || '/',
    query: event.rawQueryString ?? '',
    headers,
    body,
    startedAt,
  };
}
