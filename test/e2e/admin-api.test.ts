import { readFileSync } from 'node:fs';
import { VersionConflictError } from '../../lambda/config/document-store';
import { SecretConfigSource } from '../../lambda/config/secret-source';
import { call } from '../helpers/http';
import { startLocalGateway, type LocalGateway } from '../helpers/local-gateway';

describe('admin API', () => {
  let gw: LocalGateway;
  beforeAll(async () => {
    gw = await startLocalGateway();
  });
  afterAll(() => gw.close());

  const as = (token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    call(`${gw.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const stored = () => JSON.parse(readFileSync(gw.configFile, 'utf8'));
  const simModels = () => (stored().accounts.find((a: any) => a.name === 'sim').models as any[]).map((m) => m.name ?? m.modelId);

  describe('role matrix over every admin route (account sim)', () => {
    type Who = 'outsider' | 'user' | 'managerOfAnother' | 'manager' | 'admin';
    const token = (who: Who): string =>
      ({ outsider: gw.tokens.carol, user: gw.tokens.alice, managerOfAnother: gw.tokens.bob, manager: gw.tokens.dave, admin: gw.tokens.admin })[who];
    const matrix: readonly [Who, number, number, number][] = [
      // who, GET models, PUT model, DELETE model
      ['outsider', 404, 404, 404],
      ['user', 200, 403, 403],
      ['managerOfAnother', 404, 404, 404],
      ['manager', 200, 201, 200],
      ['admin', 200, 201, 200],
    ];

    it.each(matrix)('%s: GET %i, PUT %i, DELETE %i', async (who, get, put, del) => {
      const name = `matrix-${who}`;
      expect((await as(token(who), 'GET', '/admin/accounts/sim/models')).status).toBe(get);
      expect((await as(token(who), 'PUT', `/admin/accounts/sim/models/${name}`, { modelId: 'openai.gpt-oss-20b' })).status).toBe(put);
      if (put !== 201) await as(gw.tokens.admin, 'PUT', `/admin/accounts/sim/models/${name}`, { modelId: 'openai.gpt-oss-20b' });
      expect((await as(token(who), 'DELETE', `/admin/accounts/sim/models/${name}`)).status).toBe(del);
      if (del !== 200) await as(gw.tokens.admin, 'DELETE', `/admin/accounts/sim/models/${name}`);
      expect(simModels()).not.toContain(name);
    });

    it.each([
      ['outsider', []],
      [
        'user',
        [
          { name: 'sim', role: 'user' },
          { name: 'keyed', role: 'user' },
        ],
      ],
      ['managerOfAnother', [{ name: 'private', role: 'manager' }]],
      ['manager', [{ name: 'sim', role: 'manager' }]],
      [
        'admin',
        [
          { name: 'sim', role: 'admin' },
          { name: 'keyed', role: 'admin' },
          { name: 'private', role: 'admin' },
        ],
      ],
    ] as const)('%s sees its accounts and roles on GET /admin/accounts, never credentials', async (who, expected) => {
      const res = await as(token(who as Who), 'GET', '/admin/accounts');
      expect(res.status).toBe(200);
      expect(res.json.data.map((a: any) => ({ name: a.name, role: a.role }))).toEqual(expected);
      expect(res.text).not.toMatch(/secretAccessKey|apiKey|AKIA|bedrock-api-key/);
      expect(res.headers.get('etag')).toMatch(/^".+"$/);
    });
  });

  it('adds a model that callers can use at once, and deletes it', async () => {
    const put = await as(gw.tokens.dave, 'PUT', '/admin/accounts/sim/models/oss-small', { modelId: 'openai.gpt-oss-20b', price: { input: 0.07, output: 0.3 } });
    expect(put.status).toBe(201);
    const models = await as(gw.tokens.alice, 'GET', '/v1/models');
    expect(models.json.data.map((m: any) => m.id)).toContain('sim/oss-small');
    const chat = await as(gw.tokens.alice, 'POST', '/v1/chat/completions', { model: 'sim/oss-small', messages: [{ role: 'user', content: 'new' }] });
    expect(chat.status).toBe(200);
    const replaced = await as(gw.tokens.dave, 'PUT', '/admin/accounts/sim/models/oss-small', { modelId: 'openai.gpt-oss-20b', route: 'v1' });
    expect(replaced.status).toBe(200);
    expect(stored().accounts[0].models.find((m: any) => m.name === 'oss-small')).toEqual({ modelId: 'openai.gpt-oss-20b', route: 'v1', name: 'oss-small' });
    expect((await as(gw.tokens.dave, 'DELETE', '/admin/accounts/sim/models/oss-small')).status).toBe(200);
    expect((await as(gw.tokens.dave, 'DELETE', '/admin/accounts/sim/models/oss-small')).status).toBe(404);
  });

  it('validates a write against the whole document and names the field', async () => {
    const before = readFileSync(gw.configFile, 'utf8');
    const res = await as(gw.tokens.admin, 'PUT', '/admin/accounts/sim/models/broken', {
      modelId: 'openai.gpt-oss-20b',
      price: { input: -1, output: 1 },
      region: 'atlantis-1',
    });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('invalid_model');
    expect(res.json.error.message).toContain('price.input');
    expect(res.json.error.message).toContain('region');
    expect(readFileSync(gw.configFile, 'utf8')).toBe(before);
  });

  it('refuses a write whose If-Match is no longer current with 409, changing nothing', async () => {
    const etag = (await as(gw.tokens.admin, 'GET', '/admin/accounts/sim/models')).headers.get('etag')!;
    expect((await as(gw.tokens.admin, 'PUT', '/admin/accounts/sim/models/first', { modelId: 'openai.gpt-oss-20b' }, { 'if-match': etag })).status).toBe(201);
    const before = readFileSync(gw.configFile, 'utf8');
    const stale = await as(gw.tokens.admin, 'PUT', '/admin/accounts/sim/models/second', { modelId: 'openai.gpt-oss-20b' }, { 'if-match': etag });
    expect(stale.status).toBe(409);
    expect(stale.json.error.code).toBe('version_conflict');
    expect(readFileSync(gw.configFile, 'utf8')).toBe(before);
    await as(gw.tokens.admin, 'DELETE', '/admin/accounts/sim/models/first');
  });

  it('lets one of two concurrent writers win; the other gets 409 and the document holds exactly the winner’s change', async () => {
    const etag = (await as(gw.tokens.admin, 'GET', '/admin/accounts/sim/models')).headers.get('etag')!;
    const [a, b] = await Promise.all([
      as(gw.tokens.admin, 'PUT', '/admin/accounts/sim/models/writer-a', { modelId: 'openai.gpt-oss-20b' }, { 'if-match': etag }),
      as(gw.tokens.dave, 'PUT', '/admin/accounts/sim/models/writer-b', { modelId: 'openai.gpt-oss-20b' }, { 'if-match': etag }),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const winner = a.status === 201 ? 'writer-a' : 'writer-b';
    const loser = winner === 'writer-a' ? 'writer-b' : 'writer-a';
    expect(simModels()).toContain(winner);
    expect(simModels()).not.toContain(loser);
    await as(gw.tokens.admin, 'DELETE', `/admin/accounts/sim/models/${winner}`);
  });

  it('answers admin errors in the OpenAI format, and 405 for a wrong method', async () => {
    const res = await as(gw.tokens.alice, 'POST', '/admin/accounts', {});
    expect(res.status).toBe(405);
    expect(res.json.error.code).toBe('method_not_allowed');
  });
});

describe('admin API writes to a Secrets Manager secret', () => {
  let gw: LocalGateway;
  beforeAll(async () => {
    gw = await startLocalGateway({ configIn: 'secret' });
  });
  afterAll(() => gw.close());

  it('writes through a staging label and moves AWSCURRENT; a concurrent writer gets 409', async () => {
    const headers = { authorization: `Bearer ${gw.tokens.admin}`, 'content-type': 'application/json' };
    const etag = (await call(`${gw.url}/admin/accounts/sim/models`, { headers })).headers.get('etag')!;
    const put = (name: string) =>
      call(`${gw.url}/admin/accounts/sim/models/${name}`, {
        method: 'PUT',
        headers: { ...headers, 'if-match': etag },
        body: JSON.stringify({ modelId: 'openai.gpt-oss-20b' }),
      });
    const first = await put('from-secret');
    expect(first.status).toBe(201);
    expect(JSON.parse(gw.aws!.secretsManager.currentText(gw.secretName!)!).accounts[0].models.at(-1)).toEqual({
      modelId: 'openai.gpt-oss-20b',
      name: 'from-secret',
    });
    expect(gw.aws!.callCount('secretsmanager', 'UpdateSecretVersionStage')).toBe(1);
    const second = await put('stale-write');
    expect(second.status).toBe(409);
    expect(gw.aws!.secretsManager.currentText(gw.secretName!)).not.toContain('stale-write');
  });

  it('lets only one of two instances writing on the same base version move AWSCURRENT', async () => {
    const instanceA = new SecretConfigSource(gw.secretName!);
    const instanceB = new SecretConfigSource(gw.secretName!);
    const base = await instanceA.read();
    const edit = (marker: string) => base.text.replace('"version": 1', `"version": 1, "x-${marker}": 0`);
    const results = await Promise.allSettled([instanceA.write(edit('a'), base.version), instanceB.write(edit('b'), base.version)]);
    const rejected = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toBeInstanceOf(VersionConflictError);
    const current = gw.aws!.secretsManager.currentText(gw.secretName!)!;
    expect(current.includes('x-a') !== current.includes('x-b')).toBe(true);
  });
});
