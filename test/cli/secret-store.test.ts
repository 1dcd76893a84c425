import { AwsStandIn } from '../../lambda/simulator/aws/aws-stand-in';
import { runCli } from '../helpers/cli';

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
