import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashToken } from '../../lambda/auth/tokens';
import { LocalDynamoDb } from '../../lambda/simulator/aws/local-dynamodb';
import { runCli } from '../helpers/cli';

describe('mantle-gateway CLI on configuration files', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mgw-cli-'));
    file = join(dir, 'gateway.json');
  });

  it('init writes a valid starter document with a fresh signing key, and refuses to overwrite it', async () => {
    const first = await runCli(['init', '--config', file]);
    expect(first.code).toBe(0);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(Buffer.from(doc.signingKey, 'base64').length).toBe(32);
    expect((await runCli(['validate', '--config', file])).code).toBe(0);
    const again = await runCli(['init', '--config', file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already holds a configuration; use --force');
    const forced = await runCli(['init', '--config', file, '--force']);
    expect(forced.code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).signingKey).not.toBe(doc.signingKey);
  });

  it('token create prints the token once on the last line and stores only its hash', async () => {
    await runCli(['init', '--config', file]);
    const created = await runCli(['token', 'create', '--subject', 'user:alice@example.com', '--name', 'laptop', '--config', file]);
    expect(created.code).toBe(0);
    const token = created.stdout.trim().split('\n').at(-1)!;
    expect(token).toMatch(/^mgw_[A-Za-z0-9_-]{43}$/);
    const stored = readFileSync(file, 'utf8');
    expect(stored).not.toContain(token);
    const doc = JSON.parse(stored);
    expect(doc.tokens).toHaveLength(1);
    expect(doc.tokens[0]).toMatchObject({ subject: 'user:alice@example.com', name: 'laptop', hash: hashToken(token), revoked: false });
    const days = (Date.parse(doc.tokens[0].expiresAt) - Date.parse(doc.tokens[0].createdAt)) / 86_400_000;
    expect(days).toBe(90);
  });

  it('token create honours --expires-in, including never', async () => {
    await runCli(['init', '--config', file]);
    await runCli(['token', 'create', '--subject', 'service:ci', '--expires-in', '12h', '--config', file]);
    await runCli(['token', 'create', '--subject', 'service:ci', '--expires-in', 'never', '--config', file]);
    const [short, forever] = JSON.parse(readFileSync(file, 'utf8')).tokens;
    expect(Date.parse(short.expiresAt) - Date.parse(short.createdAt)).toBe(12 * 3_600_000);
    expect(forever.expiresAt).toBeNull();
  });

  it('token list shows ids, subjects and status but no token material; revoke marks it revoked', async () => {
    await runCli(['init', '--config', file]);
    const created = await runCli(['token', 'create', '--subject', 'user:bob@example.com', '--config', file]);
    const token = created.stdout.trim().split('\n').at(-1)!;
    const id = JSON.parse(readFileSync(file, 'utf8')).tokens[0].id as string;
    const listed = await runCli(['token', 'list', '--config', file]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`${id}\\s+user:bob@example.com`));
    expect(listed.stdout).toContain('active');
    expect(listed.stdout).not.toContain(token);
    expect(listed.stdout).not.toContain('sha256:');
    expect((await runCli(['token', 'revoke', id, '--config', file])).code).toBe(0);
    const json = await runCli(['token', 'list', '--json', '--config', file]);
    expect(JSON.parse(json.stdout)).toEqual([expect.objectContaining({ id, status: 'revoked' })]);
    expect(json.stdout).not.toContain('sha256:');
  });

  it('validate lists every problem by JSON path and exits 1', async () => {
    writeFileSync(file, JSON.stringify({ version: 1, signingKey: 'short', accounts: [{ name: 'x', region: 'nowhere', auth: { type: 'magic' } }] }));
    const res = await runCli(['validate', '--config', file]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('$.signingKey');
    expect(res.stderr).toContain('$.accounts[0].region');
    expect(res.stderr).toContain('$.accounts[0].auth.type');
  });

  it('validate refuses limits without a state table, and accepts them with --table; serve refuses them too', async () => {
    await runCli(['init', '--config', file]);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    doc.limits = [{ name: 'rpm', subjects: ['*'], per: 'minute', requests: 60 }];
    writeFileSync(file, JSON.stringify(doc));
    const refused = await runCli(['validate', '--config', file], { GATEWAY_TABLE_NAME: '' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('$.limits: limits need the state table; set GATEWAY_TABLE_NAME');
    const accepted = await runCli(['validate', '--config', file, '--table', 'my-table']);
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toContain('1 limit(s)');
    const serve = await runCli(['serve', '--config', file, '--port', '0'], { GATEWAY_TABLE_NAME: '' });
    expect(serve.code).toBe(1);
    expect(serve.stderr).toContain('limits need the state table');
  });

  it('table create makes the state table on a DynamoDB endpoint, warning where TTL cannot be enabled', async () => {
    const dynamo = new LocalDynamoDb();
    const endpoint = await dynamo.start();
    try {
      const env = { AWS_ENDPOINT_URL_DYNAMODB: endpoint, AWS_REGION: 'us-east-1' };
      const created = await runCli(['table', 'create', '--table', 'cli-table'], env);
      expect(created.code).toBe(0);
      expect(created.stdout).toContain('Created table cli-table.');
      expect(created.stderr).toContain('warning: TTL on expiresAt could not be enabled');
      expect(dynamo.callCount('CreateTable')).toBe(1);
      expect((await runCli(['table', 'create', '--table', 'cli-table'], env)).stdout).toContain('already exists');
      expect((await runCli(['table', 'create'], env)).code).toBe(2);
      // Table tokens from the CLI: no document needed.
      const made = await runCli(['token', 'create', '--subject', 'service:etl', '--name', 'nightly', '--expires-in', '30d', '--table', 'cli-table'], env);
      expect(made.code).toBe(0);
      const token = made.stdout.trim().split('\n').at(-1)!;
      expect(token).toMatch(/^mgw_[A-Za-z0-9_-]{43}[0-9a-f]{8}$/);
      const listed = JSON.parse((await runCli(['token', 'list', '--json', '--table', 'cli-table'], env)).stdout);
      expect(listed).toEqual([expect.objectContaining({ subject: 'service:etl', name: 'nightly', status: 'active' })]);
      expect(JSON.stringify(listed)).not.toContain(token);
      expect((await runCli(['token', 'create', '--subject', 'service:etl', '--expires-in', 'never', '--table', 'cli-table'], env)).code).toBe(2);
      expect((await runCli(['token', 'revoke', listed[0].id, '--table', 'cli-table'], env)).code).toBe(0);
      expect(JSON.parse((await runCli(['token', 'list', '--json', '--table', 'cli-table'], env)).stdout)).toEqual([]);
    } finally {
      await dynamo.close();
    }
  });

  it('fails with exit 1 on an unreadable file', async () => {
    const res = await runCli(['validate', '--config', join(dir, 'missing.json')]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('does not exist');
  });

  it.each([
    [['frobnicate'], 'Unknown command "frobnicate"'],
    [['validate'], 'Missing --config FILE or --secret-id ID'],
    [['validate', '--config'], 'argument missing'],
    [['token', 'create', '--config', '/tmp/x.json'], 'Missing --subject'],
    [['token', 'create', '--subject', 'alice', '--config', '/tmp/x.json'], 'must be user:<id> or service:<id>'],
    [['token', 'create', '--subject', 'user:a', '--expires-in', 'soon', '--config', '/tmp/x.json'], '--expires-in must look like'],
    [['models', '--bogus'], "Unknown option '--bogus'"],
    [['trust-policy'], 'Missing --gateway-role-arn'],
  ])('exits 2 on misuse: %j', async (args, message) => {
    const res = await runCli(args as string[]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(message);
  });

  it('prints --help for every verb with exit 0', async () => {
    for (const verb of ['serve', 'simulate', 'init', 'validate', 'token', 'trust-policy', 'models', 'dev']) {
      const res = await runCli([verb, '--help']);
      expect(res.code).toBe(0);
      expect(res.stdout).toMatch(/Usage:/);
    }
  });

  it('models prints the catalog with routes and prices', async () => {
    const res = await runCli(['models']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/openai\.gpt-5\.5\s+openai-v1\s+5\.5\s+0\.55\s+5\.5\s+33/);
    const json = JSON.parse((await runCli(['models', '--json'])).stdout);
    expect(json['openai.gpt-oss-120b']).toMatchObject({ route: 'v1', price: { input: 0.15, output: 0.6 } });
  });

  it('trust-policy prints the trust policy with the external id and a least-privilege policy', async () => {
    const res = await runCli(['trust-policy', '--gateway-role-arn', 'arn:aws:iam::111122223333:role/Gateway', '--external-id', 'ext-123']);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('"AWS": "arn:aws:iam::111122223333:role/Gateway"');
    expect(res.stdout).toContain('"sts:ExternalId": "ext-123"');
    expect(res.stdout).toContain('bedrock-mantle:CreateInference');
    expect(res.stdout).toContain('AmazonBedrockMantleInferenceAccess');
  });
});
