import { request } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import OpenAI from 'openai';
import { call } from '../helpers/http';
import { functionUrlEvent, invoke } from '../helpers/invoke';
import { startLocalGateway, type LocalGateway } from '../helpers/local-gateway';

/** Defects found by the security review (issue 12), each through the running gateway. */
describe('security review', () => {
  let gw: LocalGateway;
  const post = (path: string, body: string, headers: Record<string, string> = {}, token = gw.tokens.alice) =>
    call(`${gw.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers }, body });

  beforeAll(async () => {
    gw = await startLocalGateway();
  });
  afterAll(() => gw.close());

  describe('a body that repeats a key is refused before any upstream call', () => {
    const cases: readonly [string, string, string][] = [
      ['/v1/chat/completions', '{"model":"sim/gpt-oss-120b","messages":[{"role":"user","content":"hi"}],"model":"openai.gpt-5.5"}', 'model'],
      ['/v1/chat/completions', '{"model":"sim/gpt-oss-120b","messages":[],"stream":true,"stream":false}', 'stream'],
      [
        '/v1/chat/completions',
        '{"model":"sim/gpt-oss-120b","messages":[],"stream":true,"stream_options":{"include_usage":false,"include_usage":true}}',
        'stream_options.include_usage',
      ],
      ['/v1/chat/completions', '{"model":"sim/gpt-oss-120b","messages":[],"m\\u006fdel":"openai.gpt-5.5"}', 'model'],
      ['/v1/responses', '{"model":"sim/gpt-oss-120b","input":"x","stream":true,"model":"sim/gpt-5.5"}', 'model'],
      ['/v1/messages', '{"model":"sim/sonnet","max_tokens":5,"messages":[],"model":"anthropic.claude-haiku-4-5"}', 'model'],
      ['/v1/messages/count_tokens', '{"model":"sim/sonnet","messages":[],"model":"x"}', 'model'],
    ];
    it.each(cases)('%s repeating %#', async (path, body, key) => {
      const before = gw.simulator.requests.length;
      const res = await post(path, body);
      expect(res.status).toBe(400);
      const message = path.startsWith('/v1/messages') ? res.json.error.message : res.json.error.message;
      expect(message).toContain(`repeats the key '${key}'`);
      if (!path.startsWith('/v1/messages')) expect(res.json.error).toMatchObject({ code: 'duplicate_key', param: key });
      else expect(res.json).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
      expect(gw.simulator.requests.length).toBe(before);
    });

    it('still accepts the same key at different depths', async () => {
      const res = await post(
        '/v1/chat/completions',
        '{"model":"sim/gpt-oss-120b","messages":[{"role":"user","content":"hi","name":"model"}],"metadata":{"model":"x"}}',
      );
      expect(res.status).toBe(200);
    });
  });

  it('answers 400, not 500, to a forwarded header holding non-ASCII or control characters', async () => {
    // fetch refuses to send such values, so this goes over a raw socket.
    const body = JSON.stringify({ model: 'sim/gpt-oss-120b', messages: [{ role: 'user', content: 'hi' }] });
    const url = new URL(gw.url);
    const status = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, method: 'POST', path: '/v1/chat/completions', insecureHTTPParser: true }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      // setHeader refuses such values too: write them as latin-1 bytes through the raw header list.
      req.setHeader('authorization', `Bearer ${gw.tokens.alice}`);
      req.setHeader('content-type', 'application/json');
      req.setHeader('content-length', String(Buffer.byteLength(body)));
      req.setHeader('openai-beta', Buffer.from('caf\u00e9=1', 'latin1').toString('latin1'));
      req.end(body);
    });
    expect(status.status).toBe(400);
    expect(JSON.parse(status.text).error).toMatchObject({ code: 'invalid_header', param: 'openai-beta' });
  });

  it.each([
    ['a character beyond latin-1', 'snow\u2603'],
    ['a control character', 'a\u0001b'],
    ['a line break', 'a\r\nx-injected: 1'],
  ])('answers 400, not 500, to a forwarded header holding %s (as a Function URL event carries it)', async (_label, value) => {
    const body = JSON.stringify({ model: 'sim/gpt-oss-120b', messages: [{ role: 'user', content: 'hi' }] });
    const res = await invoke(
      gw.handler,
      functionUrlEvent(
        'POST',
        '/v1/chat/completions',
        { authorization: `Bearer ${gw.tokens.alice}`, 'content-type': 'application/json', 'anthropic-beta': value },
        body,
      ),
    );
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error).toMatchObject({ code: 'invalid_header', param: 'anthropic-beta' });
  });

  it('answers 400, not 500, to an admin PUT nested thousands deep', async () => {
    const deep = `{"modelId":"openai.gpt-oss-20b","price":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const res = await call(`${gw.url}/admin/accounts/sim/models/deep`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${gw.tokens.admin}`, 'content-type': 'application/json' },
      body: deep,
    });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toContain('nested deeper than');
  });

  it('refuses a WebSocket handshake at once with a clear message', async () => {
    const url = new URL(gw.url);
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request({
        host: url.hostname,
        port: url.port,
        method: 'GET',
        path: '/v1/responses',
        headers: {
          connection: 'Upgrade',
          upgrade: 'websocket',
          'sec-websocket-version': '13',
          'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
          authorization: `Bearer ${gw.tokens.alice}`,
        },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('upgrade', () => reject(new Error('the connection was upgraded')));
      req.on('error', reject);
      req.end();
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text).error).toMatchObject({ code: 'websocket_unsupported' });
    expect(JSON.parse(answer.text).error.message).toContain('supports_websockets = false');
  });

  describe('response ids', () => {
    let alice: OpenAI;
    beforeAll(() => {
      alice = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.tokens.alice, maxRetries: 0 });
    });

    it('accept only the canonical base64url spelling', async () => {
      const created = await alice.responses.create({ model: 'sim/gpt-oss-120b', input: 'keep me' });
      expect((await alice.responses.retrieve(created.id)).id).toBe(created.id);
      const swapAlphabet = created.id.replace(/[-_]/g, (c) => (c === '-' ? '+' : '/'));
      for (const variant of [`${created.id}=`, `${created.id}.`, `${created.id}~`, ...(swapAlphabet !== created.id ? [swapAlphabet] : [])]) {
        const res = await call(`${gw.url}/v1/responses/${encodeURIComponent(variant)}`, { headers: { authorization: `Bearer ${gw.tokens.alice}` } });
        expect(res.status).toBe(404);
      }
    });

    it('forward and sign repeated query keys faithfully (SigV4 verified by the simulator)', async () => {
      const created = await alice.responses.create({ model: 'sim/gpt-oss-120b', input: 'items' });
      const res = await call(`${gw.url}/v1/responses/${created.id}/input_items?include[]=a&include[]=b&limit=5`, {
        headers: { authorization: `Bearer ${gw.tokens.alice}` },
      });
      expect(res.status).toBe(200);
      expect(gw.simulator.requests.at(-1)!.query).toBe('include[]=a&include[]=b&limit=5');
    });
  });

  describe('admin writes', () => {
    const put = (token: string, name: string, body: string) =>
      call(`${gw.url}/admin/accounts/sim/models/${name}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body,
      });

    it('authenticate before reading the body, and count the refusal as an AuthFailure', async () => {
      const res = await put('mgw_unknownToken', 'x', '{not json');
      expect(res.status).toBe(401);
      expect((await gw.waitForRecord(gw.records().length)).AuthFailures).toBe(1);
    });

    it('re-check the role on the document being written: a demoted manager stops at once', async () => {
      // dave manages sim in the cached document; demote him in the store only (the cache still says manager).
      const doc = JSON.parse(readFileSync(gw.configFile, 'utf8'));
      const sim = doc.accounts.find((a: { name: string }) => a.name === 'sim');
      sim.collaborators = sim.collaborators.map((c: { subject: string; role: string }) => (c.subject === 'user:dave@example.com' ? { ...c, role: 'user' } : c));
      writeFileSync(gw.configFile, JSON.stringify(doc, null, 2));
      const res = await put(gw.tokens.dave, 'demoted', '{"modelId":"openai.gpt-oss-20b"}');
      expect(res.status).toBe(403);
      expect(
        JSON.parse(readFileSync(gw.configFile, 'utf8'))
          .accounts.find((a: { name: string }) => a.name === 'sim')
          .models.some((m: { name?: string }) => m.name === 'demoted'),
      ).toBe(false);
    });

    it('answer 413 with the size, before writing, when the document would outgrow a secret', async () => {
      const before = readFileSync(gw.configFile, 'utf8');
      const res = await put(
        gw.tokens.admin,
        'huge',
        JSON.stringify({ modelId: 'openai.gpt-oss-20b', apis: ['chat'], price: { input: 1, output: 1 }, padding: 'x'.repeat(70_000) }),
      );
      expect(res.status).toBe(413);
      expect(res.json.error).toMatchObject({ code: 'document_too_large' });
      expect(res.json.error.message).toMatch(/would be \d+ bytes; a document holds at most 65536 bytes/);
      expect(readFileSync(gw.configFile, 'utf8')).toBe(before);
    });
  });
});
