import { emfProblems } from '../helpers/emf';
import { dataOf, isAnthropicError, isOpenAIError } from '../helpers/error-shapes';
import { call } from '../helpers/http';
import { startLocalGateway, type LocalGateway } from '../helpers/local-gateway';

/**
 * One contract, three API surfaces: usage and cost recorded token for token, streamed or not;
 * errors in the surface's own format before the first byte and in-band after it.
 */
interface SurfaceCase {
  readonly name: string;
  readonly path: string;
  readonly model: string;
  readonly headers: Record<string, string>;
  readonly body: (extra: Record<string, unknown>) => Record<string, unknown>;
  /** The gateway's token figures from the usage object the simulator reported. */
  readonly expected: (usage: any) => {
    InputTokens: number;
    CachedInputTokens: number;
    CacheWriteTokens: number;
    OutputTokens: number;
    ReasoningTokens: number;
  };
  readonly price: { input: number; cachedInput: number; cacheWrite: number; output: number };
  readonly isErrorBody: (json: any) => boolean;
  /** True when the stream text ends with this surface's in-band error event. */
  readonly endsWithInBandError: (text: string) => boolean;
  readonly terminal: string;
}

const lastFrame = (text: string): string => text.trim().split('\n\n').at(-1) ?? '';

const OSS_PRICE = { input: 0.15, cachedInput: 0.15, cacheWrite: 0.15, output: 0.6 };

const SURFACES: readonly SurfaceCase[] = [
  {
    name: 'Chat Completions',
    path: '/v1/chat/completions',
    model: 'sim/gpt-oss-120b',
    headers: {},
    body: (extra) => ({ model: 'sim/gpt-oss-120b', messages: [{ role: 'user', content: 'contract test' }], ...extra }),
    expected: (u) => ({
      InputTokens: u.prompt_tokens,
      CachedInputTokens: u.prompt_tokens_details.cached_tokens,
      CacheWriteTokens: 0,
      OutputTokens: u.completion_tokens,
      ReasoningTokens: u.completion_tokens_details.reasoning_tokens,
    }),
    price: OSS_PRICE,
    isErrorBody: isOpenAIError,
    endsWithInBandError: (text) => isOpenAIError(dataOf(lastFrame(text))),
    terminal: 'data: [DONE]',
  },
  {
    name: 'Responses',
    path: '/v1/responses',
    model: 'sim/gpt-oss-120b',
    headers: {},
    body: (extra) => ({ model: 'sim/gpt-oss-120b', input: 'contract test', ...extra }),
    expected: (u) => ({
      InputTokens: u.input_tokens,
      CachedInputTokens: u.input_tokens_details.cached_tokens,
      CacheWriteTokens: 0,
      OutputTokens: u.output_tokens,
      ReasoningTokens: u.output_tokens_details.reasoning_tokens,
    }),
    price: OSS_PRICE,
    isErrorBody: isOpenAIError,
    endsWithInBandError: (text) => lastFrame(text).startsWith('event: error\n') && dataOf(lastFrame(text)).type === 'error',
    terminal: 'event: response.completed',
  },
  {
    name: 'Messages',
    path: '/v1/messages',
    model: 'sim/sonnet',
    headers: { 'anthropic-version': '2023-06-01' },
    body: (extra) => ({ model: 'sim/sonnet', max_tokens: 64, messages: [{ role: 'user', content: 'contract test' }], ...extra }),
    expected: (u) => ({
      InputTokens: u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens,
      CachedInputTokens: u.cache_read_input_tokens,
      CacheWriteTokens: u.cache_creation_input_tokens,
      OutputTokens: u.output_tokens,
      ReasoningTokens: 0,
    }),
    price: { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 },
    isErrorBody: isAnthropicError,
    endsWithInBandError: (text) => lastFrame(text).startsWith('event: error\n') && isAnthropicError(dataOf(lastFrame(text))),
    terminal: 'event: message_stop',
  },
];

function cost(t: ReturnType<SurfaceCase['expected']>, p: SurfaceCase['price']): number {
  return (
    ((t.InputTokens - t.CachedInputTokens - t.CacheWriteTokens) * p.input +
      t.CachedInputTokens * p.cachedInput +
      t.CacheWriteTokens * p.cacheWrite +
      t.OutputTokens * p.output) /
    1e6
  );
}

/** The compute targets the contract holds on: one request path, two entries. */
const TARGETS = ['function-url', 'web-function'] as const;

describe.each(TARGETS.flatMap((target) => SURFACES.map((surface) => ({ ...surface, target }))))('$name contract ($target)', (surface) => {
  let gw: LocalGateway;
  beforeAll(async () => {
    gw = await startLocalGateway({ env: { STREAM_IDLE_TIMEOUT_MS: '300' }, target: surface.target });
  });
  afterAll(() => gw.close());

  const send = (body: Record<string, unknown>, token = gw.tokens.alice) =>
    call(`${gw.url}${surface.path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...surface.headers },
      body: JSON.stringify(body),
    });

  async function expectRecordedUsage(stream: boolean, extra: Record<string, unknown> = {}): Promise<void> {
    const before = gw.recordLines().length;
    const res = await send(surface.body({ stream, ...extra }));
    expect(res.status).toBe(200);
    if (stream) expect(res.text).toContain(surface.terminal);
    const record = await gw.waitForRecord(before + 1);
    const expected = surface.expected(gw.simulator.requests.at(-1)!.usage);
    expect(record).toMatchObject({
      ...expected,
      Account: 'sim',
      Model: surface.model.split('/')[1],
      Requests: 1,
      Errors: 0,
      PriceKnown: 1,
      stream,
      status: 200,
      partial: false,
    });
    expect(record.CostUSD).toBeCloseTo(cost(expected, surface.price), 12);
    expect(record.InputTokens).toBeGreaterThan(0);
    expect(record.OutputTokens).toBeGreaterThan(0);
  }

  it('records non-streamed usage token for token, with its cost', () => expectRecordedUsage(false));
  it('records streamed usage token for token, with its cost', () => expectRecordedUsage(true));
  it('prices cache reads and writes at their own prices', () => expectRecordedUsage(false, { x_sim: { cachedTokens: 4, cacheWriteTokens: 3 } }));
  it('prices cache reads and writes when streamed too', () => expectRecordedUsage(true, { x_sim: { cachedTokens: 4, cacheWriteTokens: 3 } }));

  it('refuses a bad token in the surface’s format and records an auth failure', async () => {
    const before = gw.recordLines().length;
    const res = await send(surface.body({}), 'mgw_wrong');
    expect(res.status).toBe(401);
    expect(surface.isErrorBody(res.json)).toBe(true);
    expect(await gw.waitForRecord(before + 1)).toMatchObject({ AuthFailures: 1, Account: '-', Model: '-', status: 401, error: 'invalid_api_key', Errors: 0 });
  });

  it('answers an unknown model with 404 in the surface’s format', async () => {
    const res = await send(surface.body({ model: 'sim/nope' }));
    expect(res.status).toBe(404);
    expect(surface.isErrorBody(res.json)).toBe(true);
  });

  it('passes throttling on as 429 with Retry-After, in the surface’s format', async () => {
    const before = gw.recordLines().length;
    const res = await send(surface.body({ x_sim: { status: 429, retryAfter: 7 } }));
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(surface.isErrorBody(res.json)).toBe(true);
    expect(await gw.waitForRecord(before + 1)).toMatchObject({ Throttles: 1, Errors: 0, status: 429 });
  });

  it('ends a stream cut mid-way with the surface’s in-band error, never its terminal event, and records it as partial', async () => {
    const before = gw.recordLines().length;
    const res = await send(surface.body({ stream: true, x_sim: { resetAfterEvents: 3 } }));
    expect(res.status).toBe(200);
    expect(res.text).not.toContain(surface.terminal);
    expect(surface.endsWithInBandError(res.text)).toBe(true);
    const record = await gw.waitForRecord(before + 1);
    expect(record).toMatchObject({ Errors: 1, partial: true, error: 'stream_interrupted', status: 200 });
    if (surface.name === 'Messages') {
      // message_start already said how many input tokens there were.
      const expected = surface.expected(gw.simulator.requests.at(-1)!.usage);
      expect(record.InputTokens).toBe(expected.InputTokens);
    }
  });

  it('ends a stalled stream with the surface’s in-band error after STREAM_IDLE_TIMEOUT_MS', async () => {
    const before = gw.recordLines().length;
    const res = await send(surface.body({ stream: true, x_sim: { stallAfterEvents: 2 } }));
    expect(surface.endsWithInBandError(res.text)).toBe(true);
    expect(await gw.waitForRecord(before + 1)).toMatchObject({ Errors: 1, partial: true, error: 'stream_idle_timeout' });
  });

  it('writes only records that are valid EMF, one per request, with x-request-id matching', async () => {
    const before = gw.recordLines().length;
    const res = await send(surface.body({}));
    const record = await gw.waitForRecord(before + 1);
    expect(res.headers.get('x-request-id')).toBe(record.requestId);
    expect(res.headers.get('server-timing')).toMatch(/auth;dur=[\d.]+/);
    for (const line of gw.recordLines()) expect(emfProblems(line)).toEqual([]);
    expect(gw.recordLines()).toHaveLength(before + 1);
  });
});
