import { DEV_API_KEY } from '../../lambda/simulator/credentials';
import { AwsStandIn } from '../../lambda/simulator/aws/aws-stand-in';
import { runCli, startCli, stopCli } from '../helpers/cli';

describe('mantle-gateway CLI on a Secrets Manager secret (local AWS stand-in)', () => {
  let aws: AwsStandIn;
  let env: Record<string, string>;
  beforeAll(async () => {
    aws = new AwsStandIn();
    env = { ...aws.environment(await aws.start()), AWS_MAX_ATTEMPTS: '1' };
  });
  afterAll(() => aws.close());

  it('init --force, token create, token list and validate work on the secret', async () => {
    aws.secretsManager.createSecret('gw/config', '{}');
    expect((await runCli(['init', '--secret-id', 'gw/config'], env)).code).toBe(1);
    const init = await runCli(['init', '--secret-id', 'gw/config', '--force'], env);
    expect(init.code).toBe(0);
    const created = await runCli(['token', 'create', '--subject', 'service:etl', '--secret-id', 'gw/config'], env);
    expect(created.code).toBe(0);
    const token = created.stdout.trim().split('\n').at(-1)!;
    expect(aws.secretsManager.currentText('gw/config')).not.toContain(token);
    expect(JSON.parse(aws.secretsManager.currentText('gw/config')!).tokens[0].subject).toBe('service:etl');
    const listed = await runCli(['token', 'list', '--json', '--secret-id', 'gw/config'], env);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ subject: 'service:etl', status: 'active' })]);
    expect((await runCli(['validate', '--secret-id', 'gw/config'], env)).stdout).toContain('is valid');
    // Writes move AWSCURRENT from the version they read (compare-and-swap), via a staging label.
    expect(aws.callCount('secretsmanager', 'UpdateSecretVersionStage')).toBe(2);
  });

  it('fails with exit 1 on a secret that does not exist', async () => {
    const res = await runCli(['validate', '--secret-id', 'missing/secret'], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("can't find the specified secret");
  });
});

describe('mantle-gateway serve --secret-id (the CLI binary against the local Secrets Manager)', () => {
  let aws: AwsStandIn;
  let env: Record<string, string>;
  beforeAll(async () => {
    aws = new AwsStandIn();
    env = { ...aws.environment(await aws.start()), AWS_MAX_ATTEMPTS: '1' };
  });
  afterAll(() => aws.close());

  it('starts, serves inference and writes through the admin API', async () => {
    aws.secretsManager.createSecret('gw/serve', '{}');
    expect((await runCli(['init', '--secret-id', 'gw/serve', '--force'], env)).code).toBe(0);
    const doc = JSON.parse(aws.secretsManager.currentText('gw/serve')!);
    doc.admins = ['user:root@example.com'];
    doc.accounts = [
      {
        name: 'dev',
        region: 'us-east-1',
        auth: { type: 'api-key', apiKey: DEV_API_KEY },
        collaborators: [{ subject: '*', role: 'user' }],
        models: [{ modelId: 'openai.gpt-oss-120b' }],
      },
    ];
    aws.secretsManager.setCurrent('gw/serve', JSON.stringify(doc));
    const created = await runCli(['token', 'create', '--subject', 'user:root@example.com', '--secret-id', 'gw/serve'], env);
    const token = created.stdout.trim().split('\n').at(-1)!;
    const { child, match } = await startCli(
      ['serve', '--secret-id', 'gw/serve', '--port', '0', '--simulate'],
      /listening on (http:\/\/127\.0\.0\.1:\d+)/,
      undefined,
      env,
    );
    try {
      const url = match[1]!;
      const models = await fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${token}` } });
      expect(models.status).toBe(200);
      const chat = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'dev/gpt-oss-120b', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(chat.status).toBe(200);
      const put = await fetch(`${url}/admin/accounts/dev/models/oss-small`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ modelId: 'openai.gpt-oss-20b' }),
      });
      expect(put.status).toBe(201);
      expect(JSON.parse(aws.secretsManager.currentText('gw/serve')!).accounts[0].models.map((m: { modelId: string }) => m.modelId)).toEqual([
        'openai.gpt-oss-120b',
        'openai.gpt-oss-20b',
      ]);
    } finally {
      expect(await stopCli(child)).toBe(0);
    }
  });
});
