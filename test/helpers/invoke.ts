import { LocalResponseStream, PRELUDE_DELIMITER, type StreamingHandler } from '../../lambda/runtime/awslambda';

/** A Function URL payload v2.0 event for `invoke`. */
export function functionUrlEvent(method: string, path: string, headers: Record<string, string>, body = ''): Record<string, unknown> {
  return { version: '2.0', rawPath: path, rawQueryString: '', headers, requestContext: { http: { method } }, body, isBase64Encoded: false };
}

/** Invokes a streaming handler with an event, as Lambda would; resolves with the prelude and the body. */
export async function invoke(
  handler: StreamingHandler,
  event: Record<string, unknown>,
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const chunks: Buffer[] = [];
  const stream = new LocalResponseStream((chunk, done) => {
    chunks.push(chunk);
    done();
  });
  await handler(event, stream, { awsRequestId: 'invoke-test', getRemainingTimeInMillis: () => 60_000 });
  const all = Buffer.concat(chunks);
  const at = all.indexOf(PRELUDE_DELIMITER);
  const prelude = JSON.parse(all.subarray(0, at).toString('utf8')) as { statusCode: number; headers: Record<string, string> };
  return { status: prelude.statusCode, headers: prelude.headers, body: all.subarray(at + PRELUDE_DELIMITER.length).toString('utf8') };
}
