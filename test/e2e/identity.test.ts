import { createSecretKey } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { generateTableToken, TableTokens } from '../../lambda/auth/table-tokens';
import { AUTHENTICATION_MESSAGE } from '../../lambda/kernel/errors';
import { LocalIdentityProvider } from '../../lambda/simulator/identity-provider';
import { call } from '../helpers/http';
import { functionUrlEvent, invoke } from '../helpers/invoke';
import { startLocalGateway, type LocalGateway } from '../helpers/local-gateway';

describe('identity: JWTs from the company identity provider, and table tokens', () => {
  let idp: LocalIdentityProvider;
  let gw: LocalGateway;
  let now = Date.now();
  const clock = () => now;

  beforeAll(async () => {
    idp = new LocalIdentityProvider();
    const issuer = await idp.start();
    gw = await startLocalGateway({
      table: true,
      env: { GATEWAY_TOKEN_CACHE_SECONDS: '30' },
      overrides: { now: clock },
      editConfig: (doc) => {
        (doc as Record<string, unknown>).identityProviders = [
          { name: 'local', issuer, audience: 'mantle-gateway', subjectClaim: 'email', groupsClaim: 'groups', teams: { 'ml-engineers': 'ml' } },
          // An issuer that never answers: no key is ever obtained from it.
          { name: 'unreachable', issuer: 'http://127.0.0.1:9/never', audience: 'mantle-gateway' },
        ];
      },
    });
  });
  afterAll(async () => {
    await gw.close();
    await idp.close();
  });

  const models = (token: string) => call(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${token}` } });
  const admin = (token: string, method: string, path: string, body?: unknown) =>
    call(`${gw.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const eve = (extra: Record<string, unknown> = {}, options = {}) =>
    idp.sign({ email: 'Eve@Example.com', email_verified: true, groups: ['ml-engineers', 'other'], ...extra }, options);

  it('accepts an RS256 token: the subject is user:<email> lower-cased, and groups grant accounts through teams', async () => {
    const res = await models(await eve());
    expect(res.status).toBe(200);
    expect(res.json.data.map((m: { id: string }) => m.id)).toEqual(['keyed/oss-keyed']);
    const me = await admin(await eve(), 'GET', '/admin/me');
    expect(me.json).toMatchObject({ subject: 'user:eve@example.com', teams: ['ml'], admin: false, accounts: [{ name: 'keyed', role: 'user' }] });
  });

  it('picks up a rotated key by its new kid (ES256), refetching at most once per 30 s for unknown kids', async () => {
    const before = idp.calls.get('/jwks.json') ?? 0;
    const kid = await idp.addKey('ES256');
    expect((await models(await eve({}, { kid }))).status).toBe(200);
    expect(idp.calls.get('/jwks.json')! - before).toBe(1);
    // A token naming a kid the issuer never published: one refetch is already spent this 30 s.
    const stranger = new LocalIdentityProvider();
    await stranger.start();
    stranger.issuer = idp.issuer;
    const forged = await stranger.sign({ email: 'eve@example.com' });
    expect((await models(forged)).status).toBe(401);
    expect(idp.calls.get('/jwks.json')! - before).toBe(1);
    await stranger.close();
  });

  describe('refusals: each the one 401, never a 500', () => {
    const cases: [string, () => Promise<string>][] = [
      ['expired beyond the skew', () => eve({ exp: Math.floor(now / 1000) - 120 })],
      ['not yet valid beyond the skew', () => eve({ nbf: Math.floor(now / 1000) + 120 })],
      ['without exp', async () => new SignJWT({ email: 'eve@example.com' }).setProtectedHeader({ alg: 'HS256' }).sign(new Uint8Array(32))],
      ['a wrong iss', () => eve({ iss: 'https://evil.example.com' })],
      ['a wrong aud', () => eve({ aud: 'someone-else' })],
      [
        'alg none',
        async () => new UnsecuredJWT({ iss: idp.issuer, aud: 'mantle-gateway', email: 'eve@example.com', exp: Math.floor(now / 1000) + 600 }).encode(),
      ],
      [
        'HS256 signed with the public key',
        async () => {
          const jwk = idp.publicJwk();
          return new SignJWT({ iss: idp.issuer, aud: 'mantle-gateway', email: 'eve@example.com', exp: Math.floor(now / 1000) + 600 })
            .setProtectedHeader({ alg: 'HS256', kid: jwk.kid! })
            .sign(createSecretKey(Buffer.from(JSON.stringify(jwk))));
        },
      ],
      ['a groups claim that is not a list', () => eve({ groups: 'ml-engineers' })],
      ['no subject claim', () => idp.sign({ groups: [] })],
      ['an empty subject claim', () => eve({ email: '' })],
      ['email_verified false', () => eve({ email_verified: false })],
      ['not a JWT at all', async () => 'not.a.jwt'],
    ];
    it.each(cases)('%s', async (_label, make) => {
      const before = gw.records().length;
      const res = await models(await make());
      expect(res.status).toBe(401);
      expect(res.json.error).toEqual({ message: AUTHENTICATION_MESSAGE, type: 'authentication_error', param: null, code: 'invalid_api_key' });
      expect((await gw.waitForRecord(before + 1)).AuthFailures).toBe(1);
    });
  });

  it('answers 503 identity_unavailable while no key was ever obtained from the token issuer', async () => {
    const res = await models(await eve({ iss: 'http://127.0.0.1:9/never' }));
    expect(res.status).toBe(503);
    expect(res.json.error.code).toBe('identity_unavailable');
  });

  it('refuses a JWT of 100 KB with the one 401 (as a Function URL event carries it)', async () => {
    const res = await invoke(gw.handler, functionUrlEvent('GET', '/v1/models', { authorization: `Bearer ${await eve({ padding: 'x'.repeat(100_000) })}` }));
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body).error.message).toBe(AUTHENTICATION_MESSAGE);
  });

  it('keeps serving with cached keys while the issuer is down, and keeps them when it serves a broken key set', async () => {
    idp.downStatus = 503;
    now += 25 * 3600 * 1000; // far past any key TTL: a refresh is due and fails
    try {
      expect((await models(await eve({ iat: Math.floor(now / 1000), exp: Math.floor(now / 1000) + 600 }))).status).toBe(200);
      idp.downStatus = undefined;
      idp.brokenKeySet = 'this is not JSON';
      now += 60_000;
      const oldKid = idp.publicJwk().kid!;
      const kid = await idp.addKey('RS256');
      // The new key cannot be fetched (the set is broken): 401, never a 500; the old keys still serve.
      expect((await models(await idp.sign({ email: 'eve@example.com', iat: Math.floor(now / 1000), exp: Math.floor(now / 1000) + 600 }, { kid }))).status).toBe(
        401,
      );
      expect((await models(await eve({ iat: Math.floor(now / 1000), exp: Math.floor(now / 1000) + 600 }, { kid: oldKid }))).status).toBe(200);
    } finally {
      idp.downStatus = undefined;
      idp.brokenKeySet = undefined;
      now += 31_000; // the next unknown kid may refetch again
    }
  });

  describe('table tokens', () => {
    const fresh = () => eve({ iat: Math.floor(now / 1000), exp: Math.floor(now / 1000) + 600 });

    it('are minted by a person signed in with a JWT, work, list without material, and stop within the cache TTL after DELETE', async () => {
      const jwt = await fresh();
      const created = await admin(jwt, 'POST', '/admin/tokens', { name: 'claude-code', expiresIn: '30d' });
      expect(created.status).toBe(201);
      expect(created.json).toMatchObject({
        id: expect.stringMatching(/^tok_/),
        token: expect.stringMatching(/^mgw_/),
        name: 'claude-code',
        subject: 'user:eve@example.com',
      });
      const token = created.json.token as string;
      expect((await models(token)).status).toBe(200);
      const listed = await admin(jwt, 'GET', '/admin/tokens');
      expect(listed.json.data).toEqual([expect.objectContaining({ id: created.json.id, name: 'claude-code', subject: 'user:eve@example.com' })]);
      expect(JSON.stringify(listed.json)).not.toContain(token);
      // Revoked by another instance (its own TableTokens on the same table): this instance's cached
      // lookup serves until GATEWAY_TOKEN_CACHE_SECONDS (30 s) pass, then the token stops.
      expect(await new TableTokens(gw.table!, 30).revoke(created.json.id)).toBe(true);
      expect((await models(token)).status).toBe(200);
      now += 31_000;
      expect((await models(token)).status).toBe(401);
      // Revoked through this instance: it stops here at once.
      const second = await admin(await fresh(), 'POST', '/admin/tokens', { name: 'codex' });
      expect((await models(second.json.token)).status).toBe(200);
      expect((await admin(await fresh(), 'DELETE', `/admin/tokens/${second.json.id}`)).status).toBe(200);
      expect((await models(second.json.token)).status).toBe(401);
      expect((await admin(await fresh(), 'DELETE', `/admin/tokens/${second.json.id}`)).status).toBe(404);
    });

    it('cannot be minted with an mgw_ token unless by an admin, who may mint for anyone', async () => {
      expect((await admin(gw.tokens.alice, 'POST', '/admin/tokens', { name: 'x' })).status).toBe(403);
      const minted = await admin(gw.tokens.admin, 'POST', '/admin/tokens', { name: 'etl', subject: 'service:etl' });
      expect(minted.status).toBe(201);
      expect(minted.json.subject).toBe('service:etl');
      expect((await admin(await fresh(), 'POST', '/admin/tokens', { name: 'x', subject: 'service:etl' })).status).toBe(403);
      expect((await admin(await fresh(), 'POST', '/admin/tokens', { name: 'x', expiresIn: '400d' })).json.error.code).toBe('invalid_token_request');
    });

    it('refuses a random string shaped like a table token without reading the table', async () => {
      const before = gw.dynamo!.callCount('GetItem');
      const shaped = generateTableToken().token.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
      expect((await models(shaped)).status).toBe(401);
      expect(gw.dynamo!.callCount('GetItem')).toBe(before);
    });

    it('answers 503 for an uncached table token while the table is down, and serves a cached one', async () => {
      const jwt = await fresh();
      const one = (await admin(jwt, 'POST', '/admin/tokens', { name: 'one' })).json.token as string;
      const two = (await admin(jwt, 'POST', '/admin/tokens', { name: 'two' })).json.token as string;
      expect((await models(one)).status).toBe(200);
      gw.dynamo!.breakDown({ kind: 'error', status: 500, code: 'InternalServerError' });
      try {
        expect((await models(one)).status).toBe(200);
        const down = await models(two);
        expect(down.status).toBe(503);
        expect(down.json.error.code).toBe('state_unavailable');
      } finally {
        gw.dynamo!.restore();
      }
    });

    it('hold at most 50 live per subject, and 2,000 of them all authenticate', async () => {
      const subjects = Array.from({ length: 40 }, (_, i) => `service:fleet-${i}`);
      const tokens: string[] = [];
      for (const subject of subjects) {
        const made = await Promise.all(Array.from({ length: 50 }, (_, i) => admin(gw.tokens.admin, 'POST', '/admin/tokens', { name: `t${i}`, subject })));
        for (const m of made) tokens.push(m.json.token);
      }
      expect(tokens).toHaveLength(2000);
      expect(new Set(tokens).size).toBe(2000);
      const over = await admin(gw.tokens.admin, 'POST', '/admin/tokens', { name: 'one-too-many', subject: subjects[0] });
      expect(over.status).toBe(409);
      expect(over.json.error.code).toBe('too_many_tokens');
      for (let i = 0; i < tokens.length; i += 100) {
        const statuses = await Promise.all(tokens.slice(i, i + 100).map(async (t) => (await models(t)).status));
        expect(statuses.every((s) => s === 200)).toBe(true);
      }
      const revoked = await admin(gw.tokens.admin, 'DELETE', `/admin/tokens?subject=${encodeURIComponent(subjects[1]!)}`);
      expect(revoked.json).toEqual({ subject: subjects[1], revoked: 50 });
    }, 120_000);
  });
});
