import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { DEV_ACCESS_KEY_ID, DEV_SECRET_ACCESS_KEY } from '../../lambda/simulator/credentials';
import { MantleSimulator } from '../../lambda/simulator/server';
import { runCli } from '../helpers/cli';
import { call } from '../helpers/http';
import { startLocalGateway, type LocalGateway } from '../helpers/local-gateway';

describe('model groups: fallback across accounts and regions', () => {
  let gw: LocalGateway;
  let now = Date.now();
  let alice: OpenAI;

  beforeAll(async () => {
    gw = await startLocalGateway({
      overrides: { now: () => now },
      editConfig: (doc) => {
        doc.accounts![1]!.models!.push({ name: 'sonnet-west', modelId: 'anthropic.claude-sonnet-4-6', apis: ['messages'] });
        (doc as Record<string, unknown>).groups = [
          { name: 'oss-anywhere', targets: ['sim/gpt-oss-120b', 'keyed/oss-keyed'], strategy: 'priority' },
          { name: 'oss-spread', targets: ['sim/gpt-oss-120b', 'keyed/oss-keyed'], strategy: 'spread' },
          { name: 'claude-anywhere', targets: ['sim/sonnet', 'keyed/sonnet-west'] },
          { name: 'mixed', targets: ['sim/gpt-oss-120b', 'private/private-oss'] },
        ];
      },
    });
    alice = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.tokens.alice, maxRetries: 0 });
  });
  afterAll(() => gw.close());
  afterEach(() => {
    gw.simulator.unthrottle();
    now += 60_000; // every cooling from the test before has ended
  });

  const regionsOf = (from: number) => gw.simulator.requests.slice(from).map((r) => r.region);
  /** Which account served: the simulator sees sim's SigV4 key, and keyed's Bedrock API key. */
  const accountsOf = (from: number) => gw.simulator.requests.slice(from).map((r) => (r.auth.type === 'sigv4' ? 'sim' : 'keyed'));

  it('lists the groups the caller may use on /v1/models', async () => {
    const ids: string[] = [];
    for await (const m of alice.models.list()) ids.push(m.id);
    expect(ids).toEqual(expect.arrayContaining(['oss-anywhere', 'oss-spread', 'claude-anywhere', 'mixed']));
    const bob = (await call(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${gw.tokens.bob}` } })).json.data.map((m: { id: string }) => m.id);
    expect(bob).toContain('mixed');
    expect(bob).not.toContain('oss-anywhere');
  });

  const surfaces: [string, (stream: boolean) => Promise<unknown>][] = [
    [
      'chat',
      async (stream) => {
        if (!stream) return alice.chat.completions.create({ model: 'oss-anywhere', messages: [{ role: 'user', content: 'hi' }] });
        const s = await alice.chat.completions.create({ model: 'oss-anywhere', messages: [{ role: 'user', content: 'hi' }], stream: true });
        for await (const _ of s) void _;
      },
    ],
    [
      'responses',
      async (stream) => {
        if (!stream) return alice.responses.create({ model: 'oss-anywhere', input: 'hi' });
        const s = await alice.responses.create({ model: 'oss-anywhere', input: 'hi', stream: true });
        for await (const _ of s) void _;
      },
    ],
    [
      'messages',
      async (stream) => {
        const anthropic = new Anthropic({ baseURL: gw.url, apiKey: gw.tokens.alice, maxRetries: 0 });
        if (!stream) return anthropic.messages.create({ model: 'claude-anywhere', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] });
        const s = await anthropic.messages.create({ model: 'claude-anywhere', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }], stream: true });
        for await (const _ of s) void _;
      },
    ],
  ];
  for (const [api, send] of surfaces) {
    for (const stream of [false, true]) {
      it(`${api}${stream ? ', streamed' : ''}: a 429 from the first target is served by the second, one record with fallbacks 1`, async () => {
        gw.simulator.throttleAccount(DEV_ACCESS_KEY_ID, 7);
        const from = gw.simulator.requests.length;
        const records = gw.records().length;
        await send(stream);
        expect(accountsOf(from)).toEqual(['sim', 'keyed']); // one try each: a 429 is not retried on its target
        const record = await gw.waitForRecord(records + 1);
        expect(gw.records()).toHaveLength(records + 1);
        expect(record).toMatchObject({
          Account: 'keyed',
          status: 200,
          group: api === 'messages' ? 'claude-anywhere' : 'oss-anywhere',
          fallbacks: 1,
          region: 'us-west-2',
        });
      });
    }
  }

  it('gives one 429 with the shortest Retry-After when every target refused, and cools every target', async () => {
    gw.simulator.throttleAccount(DEV_ACCESS_KEY_ID, 7);
    gw.simulator.throttleAccount('bearer', 9);
    const res = await call(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.tokens.alice}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'oss-anywhere', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    // Both targets are cooling now: the one whose cooling ends first (sim, 7 s against 9 s) is tried.
    gw.simulator.unthrottle();
    const from = gw.simulator.requests.length;
    await alice.chat.completions.create({ model: 'oss-anywhere', messages: [{ role: 'user', content: 'after' }] });
    expect(accountsOf(from)).toEqual(['sim']);
  });

  it('skips a cooled target until its time is up, then uses it again', async () => {
    gw.simulator.throttleAccount(DEV_ACCESS_KEY_ID, 7);
    await alice.chat.completions.create({ model: 'oss-anywhere', messages: [{ role: 'user', content: 'one' }] });
    gw.simulator.unthrottle();
    let from = gw.simulator.requests.length;
    await alice.chat.completions.create({ model: 'oss-anywhere', messages: [{ role: 'user', content: 'two' }] });
    expect(accountsOf(from)).toEqual(['keyed']); // sim is cooling for its Retry-After (7 s)
    now += 8_000;
    from = gw.simulator.requests.length;
    await alice.chat.completions.create({ model: 'oss-anywhere', messages: [{ role: 'user', content: 'three' }] });
    expect(accountsOf(from)).toEqual(['sim']);
  });

  it('never reaches a target the caller may not use', async () => {
    const bob = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.tokens.bob, maxRetries: 0 });
    gw.simulator.throttleRegion('eu-west-1', 0);
    const from = gw.simulator.requests.length;
    await expect(bob.chat.completions.create({ model: 'mixed', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 429 });
    expect(regionsOf(from).every((r) => r === 'eu-west-1')).toBe(true);
    const carol = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.tokens.carol, maxRetries: 0 });
    await expect(carol.chat.completions.create({ model: 'mixed', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
    });
  });

  it('does not replay a stream cut after its first byte on another target', async () => {
    const from = gw.simulator.requests.length;
    const res = await call(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.tokens.alice}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'oss-anywhere', stream: true, messages: [{ role: 'user', content: 'cut' }], x_sim: { resetAfterEvents: 2 } }),
    });
    expect(res.status).toBe(200);
    expect(res.text).toContain('stream_interrupted');
    expect(accountsOf(from)).toEqual(['sim']);
  });

  it('keeps a Responses chain created through a group on its creating target', async () => {
    const first = await alice.responses.create({ model: 'oss-spread', input: 'first' });
    const created = gw.simulator.requests.at(-1)!.region;
    for (let i = 0; i < 3; i++) {
      const next = await alice.responses.create({ model: 'oss-spread', input: `next ${i}`, previous_response_id: first.id });
      expect(gw.simulator.requests.at(-1)!.region).toBe(created);
      expect(next.previous_response_id).toBe(first.id);
    }
  });

  it('lists what Mantle offers an account in a region (managers and admins)', async () => {
    const as = (token: string, q = '') => call(`${gw.url}/admin/accounts/sim/available-models${q}`, { headers: { authorization: `Bearer ${token}` } });
    expect((await as(gw.tokens.alice)).status).toBe(403);
    const east = await as(gw.tokens.dave);
    expect(east.status).toBe(200);
    expect(east.json.region).toBe('us-east-1');
    expect(east.json.data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ modelId: 'openai.gpt-5.4', inAccount: false, route: 'openai-v1' }),
        expect.objectContaining({ modelId: 'openai.gpt-oss-120b', inAccount: true }),
      ]),
    );
    const west = await as(gw.tokens.admin, '?region=eu-west-1');
    expect(west.json.data.map((m: { modelId: string }) => m.modelId)).not.toContain('openai.gpt-5.4');
  });
});

describe('mantle-gateway models discover', () => {
  it('lists the simulator models for the account region and --add-all writes them (validated)', async () => {
    const simulator = new MantleSimulator({});
    const url = await simulator.start();
    try {
      const dir = mkdtempSync(join(tmpdir(), 'mgw-discover-'));
      const file = join(dir, 'gateway.json');
      await runCli(['init', '--config', file]);
      const doc = JSON.parse(readFileSync(file, 'utf8'));
      doc.accounts = [
        {
          name: 'prod',
          region: 'eu-west-1',
          endpoint: url,
          auth: { type: 'access-key', accessKeyId: DEV_ACCESS_KEY_ID, secretAccessKey: DEV_SECRET_ACCESS_KEY },
          models: [{ modelId: 'openai.gpt-oss-120b' }],
        },
      ];
      writeFileSync(file, JSON.stringify(doc));
      const listed = await runCli(['models', 'discover', '--account', 'prod', '--json', '--config', file]);
      expect(listed.code).toBe(0);
      const found = JSON.parse(listed.stdout);
      expect(found.region).toBe('eu-west-1');
      expect(found.data.map((m: { modelId: string }) => m.modelId)).not.toContain('openai.gpt-5.4');
      expect(found.data.find((m: { modelId: string }) => m.modelId === 'openai.gpt-oss-120b').inAccount).toBe(true);
      const added = await runCli(['models', 'discover', '--account', 'prod', '--add-all', '--config', file]);
      expect(added.code).toBe(0);
      const after = JSON.parse(readFileSync(file, 'utf8')).accounts[0].models.map((m: { modelId: string }) => m.modelId);
      expect(after.sort()).toEqual(found.data.map((m: { modelId: string }) => m.modelId).sort());
      expect((await runCli(['validate', '--config', file])).code).toBe(0);
      expect((await runCli(['models', 'discover', '--account', 'nope', '--config', file])).code).toBe(1);
    } finally {
      await simulator.close();
    }
  });
});
