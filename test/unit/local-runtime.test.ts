import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { localAwsLambda, type LocalResponseStream } from '../../lambda/runtime/awslambda';
import { startFunctionUrlServer, type RunningServer } from '../../lambda/runtime/function-url-server';

type Handler = (event: any, stream: LocalResponseStream, context: any) => Promise<void>;

async function serve(handler: Handler): Promise<RunningServer> {
  return startFunctionUrlServer({ handler: localAwsLambda.streamifyResponse(handler) });
}

describe('local Function URL runtime', () => {
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('sends the prelude status and headers, then the body', async () => {
    server = await serve(async (_event, stream) => {
      const http = localAwsLambda.HttpResponseStream.from(stream, { statusCode: 418, headers: { 'content-type': 'application/json', 'x-a': '1' } });
      http.write('{"teapot":');
      http.end('true}');
    });
    const res = await fetch(`${server.url}/x`);
    expect(res.status).toBe(418);
    expect(res.headers.get('x-a')).toBe('1');
    expect(await res.json()).toEqual({ teapot: true });
  });

  it('loses the status and headers when nothing is written before end()', async () => {
    server = await serve(async (_event, stream) => {
      const http = localAwsLambda.HttpResponseStream.from(stream, { statusCode: 404, headers: { 'x-lost': 'yes' } });
      http.end();
    });
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-lost')).toBeNull();
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
  });

  it('refuses to change the content type after the first write', async () => {
    let thrown: unknown;
    server = await serve(async (_event, stream) => {
      stream.write('a');
      try {
        stream.setContentType('text/plain');
      } catch (error) {
        thrown = error;
      }
      stream.end();
    });
    await (await fetch(`${server.url}/`)).text();
    expect(String(thrown)).toMatch(/content type cannot be set after the first write/);
  });

  it('builds a payload v2.0 event: lower-case headers, raw path and query, base64 for binary bodies', async () => {
    let seen: any;
    server = await serve(async (event, stream) => {
      seen = event;
      stream.end('ok');
    });
    await fetch(`${server.url}/v1/messages?beta=true`, {
      method: 'POST',
      headers: { 'X-Mixed-Case': 'v', 'content-type': 'application/octet-stream' },
      body: Buffer.from([0, 1, 2]),
    });
    expect(seen.version).toBe('2.0');
    expect(seen.rawPath).toBe('/v1/messages');
    expect(seen.rawQueryString).toBe('beta=true');
    expect(seen.headers['x-mixed-case']).toBe('v');
    expect(seen.requestContext.http.method).toBe('POST');
    expect(seen.isBase64Encoded).toBe(true);
    expect(Buffer.from(seen.body, 'base64')).toEqual(Buffer.from([0, 1, 2]));
  });

  it('delivers each chunk as it is written, before the function ends', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    server = await serve(async (_event, stream) => {
      const http = localAwsLambda.HttpResponseStream.from(stream, { statusCode: 200, headers: { 'content-type': 'text/event-stream' } });
      http.write('data: first\n\n');
      await released;
      http.end('data: second\n\n');
    });
    const res = await fetch(`${server.url}/`);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(Buffer.from(first.value!).toString()).toBe('data: first\n\n');
    release();
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += Buffer.from(r.value).toString();
    expect(rest).toBe('data: second\n\n');
  });

  it('answers 502 when the function fails before writing', async () => {
    server = await serve(async () => {
      throw new Error('boom');
    });
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const res = await fetch(`${server.url}/`);
    spy.mockRestore();
    expect(res.status).toBe(502);
  });

  it('keeps backpressure: a slow client holds the function back', async () => {
    const chunk = Buffer.alloc(64 * 1024, 97);
    let produced = 0;
    server = await serve(async (_event, stream) => {
      const http = localAwsLambda.HttpResponseStream.from(stream, { statusCode: 200, headers: {} });
      const source = Readable.from(
        (function* () {
          for (let i = 0; i < 400; i++) {
            produced++;
            yield chunk;
          }
        })(),
      );
      await pipeline(source, http);
    });
    const res = await fetch(`${server.url}/`);
    const reader = res.body!.getReader();
    await reader.read();
    await new Promise((r) => setTimeout(r, 100));
    // 400 chunks are 25 MiB; with backpressure only socket and stream buffers' worth was produced.
    expect(produced).toBeLessThan(200);
    await reader.cancel();
  });
});
