import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { relaySse } from '../../lambda/http/sse-relay';
import type { ApiSurface, ExchangeObserver } from '../../lambda/surfaces/surface';

/** Feeds `chunks` through the relay; returns what the client got and the events the observer saw. */
async function relay(chunks: Buffer[]): Promise<{ out: string; seen: string[] }> {
  const upstream = new PassThrough();
  const seen: string[] = [];
  const observer: ExchangeObserver = {
    json: (b) => b,
    event: (raw) => {
      seen.push(raw.toString('utf8'));
      return raw;
    },
    usage: () => undefined,
    completed: () => seen.some((e) => e.includes('[DONE]')),
    failure: () => undefined,
  };
  const surface = { inBandError: () => Buffer.from('data: {"error":{}}\n\n') } as unknown as ApiSurface;
  const stream = relaySse(upstream as unknown as IncomingMessage, surface, observer, {
    idleTimeoutMs: 5_000,
    deadline: Date.now() + 60_000,
    onEnd: () => undefined,
  });
  const collected: Buffer[] = [];
  const done = (async () => {
    for await (const c of stream) collected.push(c as Buffer);
  })();
  for (const c of chunks) upstream.write(c);
  upstream.end();
  await done;
  return { out: Buffer.concat(collected).toString('utf8'), seen };
}

function split(text: string, size: number): Buffer[] {
  const buf = Buffer.from(text);
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) parts.push(buf.subarray(i, i + size));
  return parts;
}

describe('SSE relay', () => {
  const events = ['data: {"a":1}\n\n', 'event: x\r\ndata: {"b":2}\r\n\r\n', 'data: {"c":3}\n\n', 'data: [DONE]\n\n'];
  const text = events.join('');

  it.each([1, 2, 3, 5, 7, 1000])('passes every event once and byte for byte when split into %i-byte chunks', async (size) => {
    const { out, seen } = await relay(split(text, size));
    expect(out).toBe(text);
    expect(seen).toEqual(events);
  });

  it('relays a multi-MiB single event delivered in small chunks intact, seen once', async () => {
    const big = `data: {"text":"${'x'.repeat(3 * 1024 * 1024)}"}\n\n`;
    const { out, seen } = await relay([...split(big, 16 * 1024), Buffer.from('data: [DONE]\n\n')]);
    expect(out.length).toBe(big.length + 'data: [DONE]\n\n'.length);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(big);
  });

  it('ends a stream that stops without its terminal event with the in-band error, dropping the truncated frame', async () => {
    const { out } = await relay(split('data: {"a":1}\n\ndata: {"b"', 4));
    expect(out).toBe('data: {"a":1}\n\ndata: {"error":{}}\n\n');
  });

  it('relays a final event that lacks its blank line when it completes the stream', async () => {
    const { out } = await relay(split('data: {"a":1}\n\ndata: [DONE]', 3));
    expect(out).toBe('data: {"a":1}\n\ndata: [DONE]\n\n');
  });
});
