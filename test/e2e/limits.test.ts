import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { call } from '../helpers/http';
import { startLocalGateway, type LocalGateway, type LocalGatewayOptions } from '../helpers/local-gateway';

/** The middle of a minute (and of its hour, day and month), so no window ends while a test runs. */
const NOW = Date.UTC(2026, 11, 15, 10, 30, 30);
const chat = (model = 'sim/gpt-oss-120b', extra: Record<string, unknown> = {}) => ({
  model,
  max_tokens: 50,
  messages: [{ role: 'user', content: 'hello limits' }],
  ...extra,
});

async function gateway(limits: unknown[], options: Partial<LocalGatewayOptions> = {}, limitStoreFailure?: 'allow' | 'deny'): Promise<LocalGateway> {
  return startLocalGateway({
    table: true,
    overrides: { now: () => NOW },
    ...options,
    editConfig: (doc) => {
      (doc as Record<string, unknown>).limits = limits;
      if (limitStoreFailure) (doc as Record<string, unknown>).limitStoreFailure = limitStoreFailure;
    },
  });
}

function post(gw: LocalGateway, token: string, body: unknown, path = '/v1/chat/completions', headers: Record<string, string> = {}) {
  return call(`${gw.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

const me = async (gw: LocalGateway, token: string) => (await call(`${gw.url}/admin/me`, { headers: { authorization: `Bearer ${token}` } })).json;

/** Polls until `check` passes: settlement runs after the client's last byte, off its path. */
async function eventually(check: () => Promise<void>, tries = 100): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      return await check();
    } catch (error) {
      if (i >= tries) throw error;
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

describe('limits: requests per subject per minute', () => {
  let gw: LocalGateway;
  beforeAll(async () => {
    gw = await gateway([{ name: 'rpm', subjects: ['*'], per: 'minute', requests: 3 }]);
  });
  afterAll(() => gw.close());

  it('admits three, refuses the fourth with 429 and Retry-After before any upstream call, and leaves another subject alone', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await post(gw, gw.tokens.alice, chat());
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit-limit-requests')).toBe('3');
      expect(res.headers.get('x-ratelimit-remaining-requests')).toBe(String(2 - i));
      expect(res.headers.get('x-ratelimit-reset-requests')).toBe('30s');
    }
    const before = gw.simulator.requests.length;
    const refused = await post(gw, gw.tokens.alice, chat());
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('30');
    expect(refused.json.error).toMatchObject({ code: 'rate_limit_exceeded', type: 'rate_limit_error' });
    expect(refused.json.error.message).toContain("'rpm'");
    expect(refused.json.error.message).toContain('2026-12-15T10:31:00Z');
    expect(gw.simulator.requests.length).toBe(before);
    const record = await gw.waitForRecord(gw.records().length);
    expect(record).toMatchObject({ status: 429, Throttles: 1, error: 'rate_limit_exceeded', limit: 'rpm' });
    // Bob's own counter is untouched.
    expect((await post(gw, gw.tokens.bob, chat('private/private-oss'))).status).toBe(200);
  });

  it('answers the refusal in the Anthropic format on /v1/messages', async () => {
    const anthropic = new Anthropic({ baseURL: gw.url, apiKey: gw.tokens.alice, maxRetries: 0 });
    const error = await anthropic.messages.create({ model: 'sim/sonnet', max_tokens: 20, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect((error as InstanceType<typeof Anthropic.RateLimitError>).error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
  });

  it('shows used and remaining on /admin/me', async () => {
    const view = await me(gw, gw.tokens.alice);
    expect(view).toMatchObject({
      subject: 'user:alice@example.com',
      teams: ['ml'],
      admin: false,
      accounts: expect.arrayContaining([{ name: 'sim', role: 'user' }]),
    });
    expect(view.limits).toEqual([
      { name: 'rpm', per: 'minute', pooled: false, resetsAt: '2026-12-15T10:31:00Z', requests: { limit: 3, used: 3, remaining: 0 } },
    ]);
    expect((await me(gw, gw.tokens.carol)).limits[0].requests).toEqual({ limit: 3, used: 0, remaining: 3 });
  });
});

describe('limits: spend and tokens, settled with what was used', () => {
  let gw: LocalGateway;
  beforeAll(async () => {
    gw = await gateway([
      { name: 'ml-budget', subjects: ['team:ml'], pooled: true, per: 'day', usd: 0.01 },
      { name: 'tokens', subjects: ['user:alice@example.com'], per: 'hour', tokens: 100_000 },
    ]);
  });
  afterAll(() => gw.close());

  const used = async () => {
    const view = await me(gw, gw.tokens.alice);
    return Object.fromEntries(view.limits.map((l: any) => [l.name, l]));
  };

  it.each([
    ['chat, not streamed', '/v1/chat/completions', chat()],
    ['chat, streamed', '/v1/chat/completions', chat('sim/gpt-oss-120b', { stream: true })],
    ['responses, not streamed', '/v1/responses', { model: 'sim/gpt-oss-120b', input: 'hello', max_output_tokens: 60 }],
    ['responses, streamed', '/v1/responses', { model: 'sim/gpt-oss-120b', input: 'hello', max_output_tokens: 60, stream: true }],
    ['messages, not streamed', '/v1/messages', { model: 'sim/sonnet', max_tokens: 60, messages: [{ role: 'user', content: 'hello' }] }],
    ['messages, streamed', '/v1/messages', { model: 'sim/sonnet', max_tokens: 60, stream: true, messages: [{ role: 'user', content: 'hello' }] }],
  ])('settles %s: the counters move by exactly what the record says was used', async (_label, path, body) => {
    const before = await used();
    const n = gw.records().length;
    const res = await post(gw, gw.tokens.alice, body, path, path.startsWith('/v1/messages') ? { 'anthropic-version': '2023-06-01' } : {});
    expect(res.status).toBe(200);
    const record = await gw.waitForRecord(n + 1);
    expect(record.InputTokens + record.OutputTokens).toBeGreaterThan(0);
    await eventually(async () => {
      const after = await used();
      expect(after.tokens.tokens.used - before.tokens.tokens.used).toBe(record.InputTokens + record.OutputTokens);
      expect(after['ml-budget'].usd.used - before['ml-budget'].usd.used).toBeCloseTo(record.CostUSD, 9);
    });
  });

  it('refunds the over-reservation: a request reserving far more than it uses counts only its use', async () => {
    const before = await used();
    const n = gw.records().length;
    const res = await post(gw, gw.tokens.alice, chat('sim/gpt-oss-120b', { max_tokens: 10_000 }));
    expect(res.status).toBe(200);
    const record = await gw.waitForRecord(n + 1);
    await eventually(async () => expect((await used()).tokens.tokens.used - before.tokens.tokens.used).toBe(record.InputTokens + record.OutputTokens));
  });

  it('refuses a request whose reservation alone exceeds a bound with 400 request_exceeds_limit, not 429', async () => {
    const res = await post(gw, gw.tokens.alice, chat('sim/gpt-oss-120b', { max_tokens: 200_000 }));
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 'request_exceeds_limit' });
    expect(res.json.error.message).toMatch(/This request alone reserves .*more than the limit '(tokens|ml-budget)' allows/);
  });

  it('refuses a model with no known price under a usd limit with 400 price_unknown', async () => {
    const res = await post(gw, gw.tokens.alice, chat('sim/frontier-1'));
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 'price_unknown', param: 'model' });
    expect(res.json.error.message).toContain('sim/frontier-1');
  });

  it('refuses with budget_exceeded once the pooled spend runs out, for every member of the team', async () => {
    const openai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.tokens.alice, maxRetries: 0 });
    let refusal: unknown;
    for (let i = 0; i < 200 && !refusal; i++) {
      // gpt-5.5: $33 per million output tokens, so each call reserves about $0.0017.
      refusal = await openai.chat.completions.create({ model: 'sim/gpt-5.5', max_tokens: 50, messages: [{ role: 'user', content: 'spend' }] }).then(
        () => undefined,
        (e: unknown) => e,
      );
    }
    expect(refusal).toBeInstanceOf(OpenAI.RateLimitError);
    expect((refusal as InstanceType<typeof OpenAI.RateLimitError>).code).toBe('budget_exceeded');
    expect((refusal as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe(String(13 * 3600 + 29 * 60 + 30)); // to the end of the UTC day
    const view = (await used())['ml-budget'];
    expect(view.usd.used).toBeLessThanOrEqual(0.01);
  });
});

describe('limits: the table unreachable', () => {
  it.each(['allow', 'deny'] as const)('limitStoreFailure %s', async (mode) => {
    const gw = await gateway([{ name: 'rpm', subjects: ['*'], per: 'minute', requests: 100 }], { env: { GATEWAY_TABLE_TIMEOUT_MS: '200' } }, mode);
    try {
      gw.dynamo!.breakDown({ kind: 'error', status: 500, code: 'InternalServerError' });
      const n = gw.records().length;
      const res = await post(gw, gw.tokens.alice, chat());
      const messages = await post(gw, gw.tokens.alice, { model: 'sim/sonnet', max_tokens: 10, messages: [] }, '/v1/messages');
      if (mode === 'allow') {
        expect(res.status).toBe(200);
        expect((await gw.waitForRecord(n + 2)).limitStore).toBe('unavailable');
        expect(messages.status).toBe(200);
      } else {
        expect(res.status).toBe(503);
        expect(res.json.error).toMatchObject({ code: 'state_unavailable' });
        expect(messages.status).toBe(503);
        expect(messages.json).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
        expect((await gw.waitForRecord(n + 2)).error).toBe('state_unavailable');
      }
      // A table that does not answer in time is the same as one that is down.
      gw.dynamo!.breakDown({ kind: 'stall', ms: 5_000 });
      const slow = await post(gw, gw.tokens.alice, chat());
      expect(slow.status).toBe(mode === 'allow' ? 200 : 503);
    } finally {
      gw.dynamo!.restore();
      await gw.close();
    }
  });
});

describe('limits: no table call without an applying limit', () => {
  it('makes no DynamoDB call when the document has no limits, or none applies to the caller', async () => {
    const gw = await gateway([{ name: 'keyed-only', accounts: ['keyed'], per: 'minute', requests: 5 }]);
    try {
      const before = gw.dynamo!.callCount();
      for (let i = 0; i < 5; i++) expect((await post(gw, gw.tokens.alice, chat())).status).toBe(200);
      expect((await post(gw, gw.tokens.alice, { model: 'sim/sonnet', max_tokens: 10, messages: [] }, '/v1/messages/count_tokens')).status).toBe(200);
      expect(gw.dynamo!.callCount() - before).toBe(0);
      // The limit on `keyed` does apply there: one reservation, and no settlement (it bounds only requests).
      const n = gw.records().length;
      expect((await post(gw, gw.tokens.alice, chat('keyed/oss-keyed'))).status).toBe(200);
      await gw.waitForRecord(n + 1);
      expect(gw.dynamo!.callCount() - before).toBe(1);
      expect(gw.dynamo!.callCount('UpdateItem')).toBe(1);
    } finally {
      await gw.close();
    }
  });
});

describe('admin limits API', () => {
  let gw: LocalGateway;
  beforeAll(async () => {
    gw = await gateway([{ name: 'rpm', subjects: ['*'], per: 'minute', requests: 10 }]);
  });
  afterAll(() => gw.close());
  const as = (token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    call(`${gw.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it('lists limits with their top users for admins, and refuses users', async () => {
    await post(gw, gw.tokens.alice, chat());
    await post(gw, gw.tokens.alice, chat());
    await post(gw, gw.tokens.bob, chat('private/private-oss'));
    const listed = await as(gw.tokens.admin, 'GET', '/admin/limits');
    expect(listed.status).toBe(200);
    expect(listed.json.data[0]).toMatchObject({
      name: 'rpm',
      topUsers: [
        { subject: 'user:alice@example.com', requests: { used: 2 } },
        { subject: 'user:bob@example.com', requests: { used: 1 } },
      ],
    });
    expect((await as(gw.tokens.carol, 'GET', '/admin/limits')).status).toBe(403);
  });

  it('writes limits for admins only, validated and compare-and-swap', async () => {
    expect((await as(gw.tokens.dave, 'PUT', '/admin/limits/new', { per: 'day', requests: 5 })).status).toBe(403);
    const bad = await as(gw.tokens.admin, 'PUT', '/admin/limits/bad', { per: 'fortnight', subjects: ['team:nope'] });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('invalid_limit');
    expect(bad.json.error.message).toMatch(/limits\[1\]\.per/);
    const etag = (await as(gw.tokens.admin, 'GET', '/admin/limits')).headers.get('etag')!;
    const created = await as(gw.tokens.admin, 'PUT', '/admin/limits/daily', { subjects: ['team:ml'], per: 'day', usd: 5 }, { 'if-match': etag });
    expect(created.status).toBe(201);
    expect((await as(gw.tokens.admin, 'PUT', '/admin/limits/other', { per: 'day', requests: 1 }, { 'if-match': etag })).status).toBe(409);
    expect((await as(gw.tokens.admin, 'DELETE', '/admin/limits/daily')).status).toBe(200);
    expect((await as(gw.tokens.admin, 'DELETE', '/admin/limits/daily')).status).toBe(404);
  });
});
