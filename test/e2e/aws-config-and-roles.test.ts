import OpenAI from 'openai';
import { AssumedRoleCredentials } from '../../lambda/credentials/assumed-role-credentials';
import { assumeRoleStrategy } from '../../lambda/credentials/assume-role-auth';
import { STAND_IN_GATEWAY_ACCESS_KEY_ID, STAND_IN_GATEWAY_ROLE_ARN } from '../../lambda/simulator/aws/aws-stand-in';
import { call } from '../helpers/http';
import { startLocalGateway, type LocalGateway } from '../helpers/local-gateway';

const CUSTOMER_ROLE = 'arn:aws:iam::111122223333:role/MantleGatewayAccess';
const EXTERNAL_ID = 'ext-7f3a9c';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Captures stderr lines while a test runs. */
function captureStderr(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation(((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  }) as typeof process.stderr.write);
  return { lines, restore: () => spy.mockRestore() };
}

// One gateway and one local AWS for the file: the SDK clients are created once per process.
let gw: LocalGateway;
beforeAll(async () => {
  gw = await startLocalGateway({
    configIn: 'secret',
    env: { GATEWAY_CONFIG_TTL_SECONDS: '0.2' },
    editConfig: (doc) => {
      doc.accounts!.push(
        {
          name: 'customer',
          region: 'us-east-2',
          auth: { type: 'assume-role', roleArn: CUSTOMER_ROLE, externalId: EXTERNAL_ID, sessionDurationSeconds: 900 },
          collaborators: [{ subject: '*', role: 'user' }],
          models: [{ modelId: 'openai.gpt-oss-120b' }],
        },
        {
          name: 'own',
          region: 'eu-central-1',
          auth: { type: 'default' },
          collaborators: [{ subject: '*', role: 'user' }],
          models: [{ modelId: 'openai.gpt-oss-120b' }],
        },
        {
          name: 'misconfigured',
          region: 'us-east-2',
          auth: { type: 'assume-role', roleArn: CUSTOMER_ROLE, externalId: 'wrong-external-id' },
          collaborators: [{ subject: '*', role: 'user' }],
          models: [{ modelId: 'openai.gpt-oss-120b' }],
        },
      );
    },
  });
  gw.aws!.sts.roles.set(CUSTOMER_ROLE, { externalId: EXTERNAL_ID });
});
afterAll(() => gw.close());

describe('configuration from Secrets Manager', () => {
  let client: OpenAI;
  beforeAll(() => {
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.tokens.alice, maxRetries: 0 });
  });

  const models = async (): Promise<string[]> => (await client.models.list()).data.map((m) => m.id);
  const edited = (edit: (doc: any) => void): string => {
    const doc = JSON.parse(gw.aws!.secretsManager.currentText(gw.secretName!)!);
    edit(doc);
    return JSON.stringify(doc);
  };

  it('serves requests configured only by the secret', async () => {
    const completion = await client.chat.completions.create({ model: 'sim/gpt-oss-120b', messages: [{ role: 'user', content: 'from a secret' }] });
    expect(completion.choices[0]!.message.content).toContain('Hello from');
    expect(gw.aws!.callCount('secretsmanager', 'GetSecretValue')).toBeGreaterThanOrEqual(1);
  });

  it('takes a change in the secret into account after the TTL, without making a request wait', async () => {
    expect(await models()).not.toContain('sim/added-later');
    gw.aws!.secretsManager.setCurrent(
      gw.secretName!,
      edited((d) => d.accounts[0].models.push({ name: 'added-later', modelId: 'openai.gpt-oss-20b' })),
    );
    await sleep(250);
    await models(); // starts the refresh, served from the held document
    await sleep(50);
    expect(await models()).toContain('sim/added-later');
  });

  it('keeps serving the last good document while the secret store fails for longer than the TTL', async () => {
    const before = await models();
    gw.aws!.down.set('secretsmanager', { status: 500, code: 'InternalServiceError' });
    const stderr = captureStderr();
    try {
      for (let i = 0; i < 4; i++) {
        await sleep(120);
        expect(await models()).toEqual(before);
      }
    } finally {
      stderr.restore();
      gw.aws!.down.delete('secretsmanager');
    }
    expect(stderr.lines.filter((l) => l.includes('configuration refresh failed'))).toHaveLength(1);
  });

  it('ignores an invalid document written to the secret, with one log line', async () => {
    const before = await models();
    const stderr = captureStderr();
    try {
      gw.aws!.secretsManager.setCurrent(
        gw.secretName!,
        edited((d) => (d.accounts[0].region = 'moon-1')),
      );
      for (let i = 0; i < 4; i++) {
        await sleep(120);
        expect(await models()).toEqual(before);
      }
    } finally {
      stderr.restore();
    }
    const logged = stderr.lines.filter((l) => l.includes('configuration refresh failed'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('$.accounts[0].region');
  });
});

describe('customer roles through STS', () => {
  const ask = (token: string, model = 'customer/gpt-oss-120b') =>
    call(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
    });

  it('signs with the assumed credentials; STS sees the external id and a session name naming the subject', async () => {
    const res = await ask(gw.tokens.bob);
    expect(res.status).toBe(200);
    const assumed = gw.aws!.sts.assumeRoleCalls.at(-1)!;
    expect(assumed).toMatchObject({
      caller: STAND_IN_GATEWAY_ROLE_ARN,
      roleArn: CUSTOMER_ROLE,
      externalId: EXTERNAL_ID,
      roleSessionName: 'mgw-user.bob@example.com',
      durationSeconds: 900,
    });
    const seen = gw.simulator.requests.at(-1)!;
    expect(seen.auth).toMatchObject({ type: 'sigv4', accessKeyId: assumed.issuedAccessKeyId });
    expect(seen.auth).toHaveProperty('sessionToken');
    expect(seen.region).toBe('us-east-2');
  });

  it('signs `default` accounts with the gateway’s own credentials from the default provider chain', async () => {
    const res = await ask(gw.tokens.bob, 'own/gpt-oss-120b');
    expect(res.status).toBe(200);
    expect(gw.simulator.requests.at(-1)).toMatchObject({ region: 'eu-central-1', auth: { type: 'sigv4', accessKeyId: STAND_IN_GATEWAY_ACCESS_KEY_ID } });
  });

  it('makes one STS call for a hundred concurrent first requests of one subject', async () => {
    const before = gw.aws!.callCount('sts', 'AssumeRole');
    const answers = await Promise.all(Array.from({ length: 100 }, () => ask(gw.tokens.carol)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(gw.aws!.callCount('sts', 'AssumeRole') - before).toBe(1);
  });

  it('costs nothing when STS is down while cached credentials are valid', async () => {
    await ask(gw.tokens.bob);
    const before = gw.aws!.callCount('sts', 'AssumeRole');
    gw.aws!.down.set('sts', { status: 503, code: 'ServiceUnavailable' });
    try {
      const res = await ask(gw.tokens.bob);
      expect(res.status).toBe(200);
    } finally {
      gw.aws!.down.delete('sts');
    }
    expect(gw.aws!.callCount('sts', 'AssumeRole')).toBe(before);
  });

  it('answers 502 with guidance when STS refuses (wrong external id), naming no ARN', async () => {
    const res = await ask(gw.tokens.bob, 'misconfigured/gpt-oss-120b');
    expect(res.status).toBe(502);
    expect(res.json.error.code).toBe('assume_role_denied');
    expect(res.json.error.message).toMatch(/trust policy/);
    expect(res.json.error.message).toMatch(/external ?id/i);
    expect(res.text).not.toContain('arn:aws');
  });
});

describe('assumed-role credential cache', () => {
  const key = { roleArn: CUSTOMER_ROLE, externalId: EXTERNAL_ID, sessionName: 'mgw-user.x', durationSeconds: 900 };

  it('assumes the role through the local STS on the wire, once for concurrent requests', async () => {
    const cache = new AssumedRoleCredentials();
    const calls = () => gw.aws!.callCount('sts', 'AssumeRole');
    const start = calls();
    const [a, b] = await Promise.all([cache.get(key), cache.get(key)]);
    expect(a).toBe(b);
    expect(calls() - start).toBe(1);
  });

  it('signs per subject: two subjects get two sessions', async () => {
    const strategy = assumeRoleStrategy(new AssumedRoleCredentials());
    const auth = { type: 'assume-role' as const, roleArn: CUSTOMER_ROLE, externalId: EXTERNAL_ID, sessionDurationSeconds: 900 };
    const a = strategy(auth, { subject: 'user:a@example.com', tokenId: 't1', isAdmin: false, teams: [], via: 'document' as const });
    const b = strategy(auth, { subject: 'user:b@example.com', tokenId: 't2', isAdmin: false, teams: [], via: 'document' as const });
    expect(a).not.toBe(b);
    expect(strategy(auth, { subject: 'user:a@example.com', tokenId: 't3', isAdmin: false, teams: [], via: 'document' as const })).toBe(a);
  });
});
