import { randomUUID } from 'node:crypto';
import { dataOf, isAnthropicError, isOpenAIError } from '../helpers/error-shapes';
import { call } from '../helpers/http';
import { startLocalGateway, type LocalGateway } from '../helpers/local-gateway';

/**
 * Each fault the simulator can inject, on each surface, streamed and not: what the client gets,
 * how many upstream attempts were made, and what the record says.
 */
interface Surface {
  readonly name: string;
  readonly path: string;
  readonly simPath: string;
  readonly headers: Record<string, string>;
  readonly body: (extra: Record<string, unknown>) => Record<string, unknown>;
  readonly isError: (json: any) => boolean;
  readonly inBandError: (lastFrame: string) => boolean;
  readonly terminal: string;
}

const SURFACES: readonly Surface[] = [
  {
    name: 'chat',
    path: '/v1/chat/completions',
    simPath: '/v1/chat/completions',
    headers: {},
    body: (x) => ({ model: 'sim/gpt-oss-120b', messages: [{ role: 'user', content: 'fault' }], ...x }),
    isError: isOpenAIError,
    inBandError: (f) => isOpenAIError(dataOf(f)),
    terminal: 'data: [DONE]',
  },
  {
    name: 'responses',
    path: '/v1/responses',
    simPath: '/v1/responses',
    headers: {},
    body: (x) => ({ model: 'sim/gpt-oss-120b', input: 'fault', ...x }),
    isError: isOpenAIError,
    inBandError: (f) => f.startsWith('event: error\n') && dataOf(f).type === 'error' && typeof dataOf(f).message === 'string',
    terminal: 'event: response.completed',
  },
  {
    name: 'messages',
    path: '/v1/messages',
    simPath: '/anthropic/v1/messages',
    headers: { 'anthropic-version': '2023-06-01' },
    body: (x) => ({ model: 'sim/sonnet', max_tokens: 32, messages: [{ role: 'user', content: 'fault' }], ...x }),
    isError: isAnthropicError,
    inBandError: (f) => f.startsWith('event: error\n') && isAnthropicError(dataOf(f)),
    terminal: 'event: message_stop',
  },
];

interface BeforeFirstByteFault {
  readonly fault: string;
  readonly x_sim: () => Record<string, unknown>;
  readonly status: number;
  readonly attempts: number;
  readonly check?: (res: Awaited<ReturnType<typeof call>>) => void;
}

const BEFORE_FIRST_BYTE: readonly BeforeFirstByteFault[] = [
  { fault: '429 once, then success', x_sim: () => ({ status: 429, retryAfter: 0, failFirst: 1, key: randomUUID() }), status: 200, attempts: 2 },
  { fault: '503 twice, then success', x_sim: () => ({ status: 503, failFirst: 2, key: randomUUID() }), status: 200, attempts: 3 },
  { fault: 'connection dropped once, then success', x_sim: () => ({ drop: true, failFirst: 1, key: randomUUID() }), status: 200, attempts: 2 },
  { fault: '500 every time', x_sim: () => ({ status: 500 }), status: 502, attempts: 3 },
  { fault: 'connection dropped every time', x_sim: () => ({ drop: true }), status: 502, attempts: 3 },
  {
    fault: '429 with a Retry-After too long to wait',
    x_sim: () => ({ status: 429, retryAfter: 30 }),
    status: 429,
    attempts: 1,
    check: (res) => expect(res.headers.get('retry-after')).toBe('30'),
  },
  { fault: 'no answer within the first-byte timeout (never retried)', x_sim: () => ({ delayMs: 600 }), status: 504, attempts: 1 },
  {
    fault: 'access denied naming a principal ARN',
    x_sim: () => ({ status: 403 }),
    status: 403,
    attempts: 1,
    check: (res) => {
      expect(res.text).toContain('bedrock-mantle:CreateInference');
      expect(res.text).not.toContain('arn:aws');
    },
  },
];

describe.each(SURFACES)('fault matrix: $name', (surface) => {
  let gw: LocalGateway;
  beforeAll(async () => {
    gw = await startLocalGateway({ env: { UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '300', STREAM_IDLE_TIMEOUT_MS: '300' } });
  });
  afterAll(() => gw.close());

  const send = (extra: Record<string, unknown>) =>
    call(`${gw.url}${surface.path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.tokens.alice}`, 'content-type': 'application/json', ...surface.headers },
      body: JSON.stringify(surface.body(extra)),
    });

  describe.each([false, true])('stream: %s', (stream) => {
    it.each(BEFORE_FIRST_BYTE)('$fault → $status after $attempts attempt(s)', async (c) => {
      const before = gw.simulator.requestsTo(surface.simPath).length;
      const res = await send({ stream, x_sim: c.x_sim() });
      expect(res.status).toBe(c.status);
      if (c.status === 200 && stream) expect(res.text).toContain(surface.terminal);
      if (c.status !== 200) expect(surface.isError(res.json)).toBe(true);
      c.check?.(res);
      // Every attempt reaches the simulator's log, dropped ones included.
      const seen = gw.simulator.requestsTo(surface.simPath).length - before;
      expect(seen).toBe(c.attempts);
    });
  });

  describe('a whole (non-streamed) body that fails after Mantle’s headers', () => {
    it.each([
      ['stalls', { stallAfterEvents: 0 }, 504, 'upstream_idle_timeout'],
      ['is cut', { resetAfterEvents: 0 }, 502, 'upstream_connection_lost'],
    ])('%s: a real status in the surface’s format (the client has no byte yet)', async (_label, x_sim, status, code) => {
      const records = gw.recordLines().length;
      const res = await send({ stream: false, x_sim });
      expect(res.status).toBe(status);
      expect(surface.isError(res.json)).toBe(true);
      expect(await gw.waitForRecord(records + 1)).toMatchObject({ status, error: code });
    });
  });

  describe('after the first byte', () => {
    it.each([
      ['the connection is cut', { resetAfterEvents: 3 }, 'stream_interrupted'],
      ['the stream stalls', { stallAfterEvents: 2 }, 'stream_idle_timeout'],
      ['Mantle sends a malformed error frame', { malformedError: true }, 'upstream_stream_error'],
    ])('%s: an in-band error in the surface’s format, a clean end, never the terminal event', async (_label, x_sim, code) => {
      const records = gw.recordLines().length;
      const res = await send({ stream: true, x_sim });
      expect(res.status).toBe(200);
      expect(res.text).not.toContain(surface.terminal);
      const frames = res.text.trim().split('\n\n');
      expect(surface.inBandError(frames.at(-1)!)).toBe(true);
      expect(await gw.waitForRecord(records + 1)).toMatchObject({ Errors: 1, error: code });
    });
  });
});
