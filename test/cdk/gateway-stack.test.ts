import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CfnParameter, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { customerPermissionsPolicy } from '../../lambda/auth/customer-role-policy';
import { METRICS } from '../../lambda/usage/emf';
import { MantleGateway } from '../../lib/mantle-gateway';
import { MantleCustomerRoleStack, MantleGatewayStack, customerRoleContextHelp, listContext } from '../../lib/mantle-gateway-stack';

const ROOT = join(__dirname, '..', '..');
const CUSTOMER_ROLES = ['arn:aws:iam::111122223333:role/MantleGatewayAccess', 'arn:aws:iam::*:role/MantleGatewayAccess-*'];
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:ops-alarms';

function synth(props: ConstructorParameters<typeof MantleGatewayStack>[2] = {}): Template {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'cdk-')) });
  return Template.fromStack(new MantleGatewayStack(app, 'MantleGateway', props));
}

/** The statements of the gateway role's policy. */
function statements(template: Template): any[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('MantleGateway stack', () => {
  let template: Template;
  let withOptions: Template;
  beforeAll(() => {
    // given the default props, and a second stack with every option set
    template = synth();
    withOptions = synth({
      gateway: (stack) => ({
        assumableRoleArns: CUSTOMER_ROLES,
        configSecret: Secret.fromSecretCompleteArn(stack, 'Imported', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:gw-config-AbCdEf'),
        reservedConcurrency: 50,
        corsAllowedOrigins: ['https://app.example.com'],
        alarmTopic: Topic.fromTopicArn(stack, 'Topic', TOPIC),
        configTtl: Duration.seconds(30),
        metricsNamespace: 'Acme/Gateway',
        openaiV1PrefixModels: ['acme.frontier-1'],
      }),
    });
  });

  it('exposes the function through a Function URL with auth NONE and response streaming', () => {
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE', InvokeMode: 'RESPONSE_STREAM' });
  });

  it('runs Node.js 22 or later on arm64, sized for long streamed answers, configured by environment', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: Match.stringLikeRegexp('^nodejs(2[2-9]|[3-9]\\d)\\.x$'),
      Architectures: ['arm64'],
      Timeout: 900,
      MemorySize: 1024,
      Environment: {
        Variables: Match.objectLike({
          GATEWAY_CONFIG_SECRET_ID: { Ref: Match.stringLikeRegexp('GatewayConfigSecret') },
          GATEWAY_CONFIG_TTL_SECONDS: '60',
          METRICS_NAMESPACE: 'MantleGateway',
          NODE_OPTIONS: '--enable-source-maps',
        }),
      },
    });
  });

  it('creates the configuration secret with a starter document and a generated signing key (never in the template)', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: {
        SecretStringTemplate: JSON.stringify({ version: 1, admins: [], teams: {}, tokens: [], accounts: [] }),
        GenerateStringKey: 'signingKey',
        PasswordLength: 44,
        ExcludePunctuation: true,
      },
    });
    expect(JSON.stringify(template.toJSON())).not.toMatch(/"signingKey"\s*:\s*"[A-Za-z0-9+/]{40,}/);
  });

  it('imports the configuration secret by ARN instead of creating one', () => {
    withOptions.resourceCountIs('AWS::SecretsManager::Secret', 0);
    withOptions.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          GATEWAY_CONFIG_SECRET_ID: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:gw-config-AbCdEf',
          METRICS_NAMESPACE: 'Acme/Gateway',
          AWS_BEDROCK_MANTLE_OPENAI_V1_PREFIX_MODELS: 'acme.frontier-1',
        }),
      },
      ReservedConcurrentExecutions: 50,
    });
  });

  it('keeps logs in its own log group, with retention', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
    template.hasResourceProperties('AWS::Lambda::Function', { LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('GatewayLogs') } } });
  });

  it('grants exactly what the gateway does, and no managed policy', () => {
    const granted = statements(template).map((s) => ({ sid: s.Sid, actions: ([] as string[]).concat(s.Action).sort() }));
    expect(granted).toEqual(
      expect.arrayContaining([
        { sid: 'OwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'] },
        { sid: undefined, actions: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'] },
        { sid: 'AdminApiWrites', actions: ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'] },
        { sid: 'MantleInferenceOwnAccount', actions: ['bedrock-mantle:CreateInference'] },
        { sid: undefined, actions: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'] },
      ]),
    );
    expect(granted).toHaveLength(5);
    expect(statements(template).some((s) => [].concat(s.Action).includes('sts:AssumeRole' as never))).toBe(false);
    for (const s of statements(template)) expect(s.Resource).not.toEqual('*');
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });

  it('may assume only the configured customer roles', () => {
    const assume = statements(withOptions).find((s) => s.Sid === 'AssumeCustomerRoles');
    expect(assume).toMatchObject({ Action: 'sts:AssumeRole', Effect: 'Allow', Resource: CUSTOMER_ROLES });
  });

  it('outputs the URLs, the role, the secret and the dashboard', () => {
    for (const name of ['FunctionUrl', 'OpenAIBaseUrl', 'AnthropicBaseUrl', 'GatewayRoleArn', 'ConfigSecretArn', 'DashboardName', 'TableName'])
      template.hasOutput(name, {});
    template.hasOutput('OpenAIBaseUrl', { Value: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('FunctionUrl'), 'FunctionUrl'] }, 'v1']] } });
  });

  it('draws a dashboard over the SPEC metrics by account and model, with percentiles and top subjects', () => {
    const dashboards = template.findResources('AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(Object.values(dashboards)[0]);
    for (const metric of [
      'CostUSD',
      'InputTokens',
      'OutputTokens',
      'CachedInputTokens',
      'Requests',
      'Errors',
      'Throttles',
      'Latency',
      'TimeToFirstByte',
      'AuthFailures',
    ]) {
      expect(body).toContain(metric);
      expect(Object.keys(METRICS)).toContain(metric);
    }
    expect(body).toContain('{MantleGateway,Account,Model}');
    for (const p of ['p50', 'p90', 'p99']) expect(body).toContain(p);
    expect(body).toContain('stats sum(CostUSD) as costUsd');
    expect(body).toContain('by subject');
    expect(body).toContain('stats count(*) as refused by limit');
    expect(body).toContain('sum(fallbacks) as fallbacks by group, Account, Model');
  });

  it('alarms on the error rate, throttles and refused tokens, notifying the topic when given', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.error = "budget_exceeded" }',
      MetricTransformations: [Match.objectLike({ MetricName: 'BudgetRefusals', MetricNamespace: 'MantleGateway' })],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'BudgetRefusals', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'IF(requests > 0, errors / requests, 0)' })]),
      Threshold: 0.05,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Throttles', Namespace: 'MantleGateway' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'AuthFailures', Namespace: 'MantleGateway', Threshold: 50 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: Match.absent() });
    withOptions.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Throttles', Namespace: 'Acme/Gateway', AlarmActions: [TOPIC] });
  });

  it('sets CORS only for the configured origins', () => {
    template.hasResourceProperties('AWS::Lambda::Url', { Cors: Match.absent() });
    withOptions.hasResourceProperties('AWS::Lambda::Url', { Cors: Match.objectLike({ AllowOrigins: ['https://app.example.com'] }) });
  });

  it.each([
    [{ assumableRoleArns: ['not-an-arn'] }, /assumableRoleArns/],
    [{ reservedConcurrency: 0 }, /reservedConcurrency/],
    [{ corsAllowedOrigins: ['app.example.com/path'] }, /corsAllowedOrigins/],
    [{ configTtl: Duration.hours(2) }, /configTtl/],
    [{ metricsNamespace: 'bad namespace!' }, /metricsNamespace/],
  ])('refuses invalid props early: %j', (props, message) => {
    const app = new App();
    const stack = new MantleGatewayStack(app, 'Ok');
    expect(() => new MantleGateway(stack, `Bad${Math.random()}`, props)).toThrow(message);
  });

  it('accepts props known only at deploy time (tokens) without validating them', () => {
    const app = new App();
    const stack = new Stack(app, 'Tokens');
    const role = new CfnParameter(stack, 'Role').valueAsString;
    const ns = new CfnParameter(stack, 'Ns').valueAsString;
    expect(() => new MantleGateway(stack, 'Gateway', { assumableRoleArns: [role], metricsNamespace: ns })).not.toThrow();
  });

  it('creates the state table: pk/sk strings, on demand, TTL on expiresAt, point-in-time recovery, named to the function', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ GATEWAY_TABLE_NAME: { Ref: Match.stringLikeRegexp('GatewayStateTable') } }) },
    });
    const table = statements(template).find((s) => JSON.stringify(s.Action).includes('dynamodb:'));
    expect([...table.Action].sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    expect(JSON.stringify(table.Resource)).toContain('GatewayStateTable');
  });

  it('passes the configuration TTL given as a Duration', () => {
    withOptions.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ GATEWAY_CONFIG_TTL_SECONDS: '30' }) } });
  });

  it('fits two gateways in one app, each with its own outputs and dashboard name', () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'cdk-')) });
    const stackOne = new MantleGatewayStack(app, 'GatewayOne');
    const stackTwo = new MantleGatewayStack(app, 'GatewayTwo');
    const one = Template.fromStack(stackOne);
    const two = Template.fromStack(stackTwo);
    one.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'GatewayOne' });
    two.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'GatewayTwo' });
    one.hasOutput('FunctionUrl', {});
    two.hasOutput('FunctionUrl', {});
  });

  it('builds every ARN with the deploying partition', () => {
    const body = JSON.stringify(template.toJSON());
    expect(body).not.toMatch(/"arn:aws:/);
    const customer = JSON.stringify(
      Template.fromStack(
        new MantleCustomerRoleStack(new App(), 'C', { role: { gatewayRoleArn: 'arn:aws-cn:iam::999999999999:role/Gateway', externalId: 'ext-123' } }),
      ).toJSON(),
    );
    expect(customer).toContain('"arn:",{"Ref":"AWS::Partition"},":bedrock-mantle:*:"');
  });

  it('reads list context as JSON or comma-separated', () => {
    expect(listContext('a, b')).toEqual(['a', 'b']);
    expect(listContext('["x","y"]')).toEqual(['x', 'y']);
    expect(listContext(undefined)).toBeUndefined();
  });
});

describe('customer role stack', () => {
  let template: Template;
  beforeAll(() => {
    const app = new App();
    template = Template.fromStack(
      new MantleCustomerRoleStack(app, 'Customer', { role: { gatewayRoleArn: 'arn:aws:iam::999999999999:role/Gateway', externalId: 'ext-123' } }),
    );
  });

  it('trusts the gateway role only with the external id', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { AWS: 'arn:aws:iam::999999999999:role/Gateway' },
            Condition: { StringEquals: { 'sts:ExternalId': 'ext-123' } },
          },
        ],
      },
    });
  });

  it('grants the same permissions that `mantle-gateway trust-policy` prints', () => {
    const role = Object.values(template.findResources('AWS::IAM::Role'))[0] as any;
    const granted = role.Properties.Policies[0].PolicyDocument.Statement.map((s: any) => ({ Sid: s.Sid, Action: s.Action }));
    const printed = (customerPermissionsPolicy() as any).Statement.map((s: any) => ({ Sid: s.Sid, Action: s.Action }));
    expect(granted).toEqual(printed);
  });

  it('says what to pass when the customer-role context is missing or half given', () => {
    expect(customerRoleContextHelp('arn:aws:iam::999999999999:role/Gateway', 'ext-123')).toEqual({});
    expect(customerRoleContextHelp(undefined, undefined).hint).toMatch(/-c gatewayRoleArn=.*-c externalId=/);
    expect(customerRoleContextHelp('arn:aws:iam::999999999999:role/Gateway', undefined).error).toMatch(/needs both -c externalId/);
    expect(customerRoleContextHelp(undefined, 'ext-123').error).toMatch(/needs both -c gatewayRoleArn/);
  });

  it('refuses a gateway role that is not a role ARN', () => {
    const app = new App();
    expect(() => new MantleCustomerRoleStack(app, 'Bad', { role: { gatewayRoleArn: 'nope', externalId: 'x1' } })).toThrow(/gatewayRoleArn/);
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('passes on both stacks, every acknowledged finding with a reason', () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'cdk-nag-')) });
    new MantleGatewayStack(app, 'MantleGateway', {
      gateway: (stack) => ({ assumableRoleArns: CUSTOMER_ROLES, alarmTopic: Topic.fromTopicArn(stack, 'Topic', TOPIC) }),
    });
    new MantleCustomerRoleStack(app, 'Customer', { role: { gatewayRoleArn: 'arn:aws:iam::999999999999:role/Gateway', externalId: 'ext-123' } });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(() => app.synth()).not.toThrow();
    } finally {
      write.mockRestore();
    }
  });
});

describe('npx cdk synth', () => {
  it('succeeds on this checkout with no AWS credentials', () => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_') && v !== undefined) env[k] = v;
    const out = mkdtempSync(join(tmpdir(), 'cdk-synth-'));
    const res = spawnSync('npx', ['cdk', 'synth', '--quiet', '--no-notices', '--output', out], {
      cwd: ROOT,
      env: { ...env, CDK_DISABLE_VERSION_CHECK: '1' },
      encoding: 'utf8',
      timeout: 180_000,
    });
    expect(res.stderr).not.toMatch(/Error/);
    expect(res.status).toBe(0);
  }, 200_000);

  it('`cdk synth -c compute=web-function` produces a Web Function on nodejs24.x with an ApplicationManaged endpoint and no Function URL', () => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_') && v !== undefined) env[k] = v;
    const out = mkdtempSync(join(tmpdir(), 'cdk-synth-web-'));
    const res = spawnSync('npx', ['cdk', 'synth', 'MantleGateway', '-c', 'compute=web-function', '--quiet', '--no-notices', '--output', out], {
      cwd: ROOT,
      env: { ...env, CDK_DISABLE_VERSION_CHECK: '1' },
      encoding: 'utf8',
      timeout: 180_000,
    });
    expect(res.status).toBe(0);
    const template = JSON.parse(readFileSync(join(out, 'MantleGateway.template.json'), 'utf8'));
    const types = Object.values(template.Resources as Record<string, { Type: string; Properties: any }>);
    expect(types.filter((r) => r.Type === 'AWS::Lambda::WebFunction')).toHaveLength(1);
    expect(types.some((r) => r.Type === 'AWS::Lambda::Url')).toBe(false);
    expect(types.find((r) => r.Type === 'AWS::Lambda::WebFunctionRevision')!.Properties.BuildConfig.RuntimeConfig.Runtime).toBe('nodejs24.x');
    expect(types.find((r) => r.Type === 'AWS::Lambda::WebFunctionEndpoint')!.Properties.AuthType).toBe('ApplicationManaged');
  }, 200_000);

  it('tells `cdk synth MantleGatewayCustomerRole` without context what to pass', () => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_') && v !== undefined) env[k] = v;
    const out = mkdtempSync(join(tmpdir(), 'cdk-synth-'));
    const res = spawnSync('npx', ['cdk', 'synth', 'MantleGatewayCustomerRole', '--quiet', '--no-notices', '--output', out], {
      cwd: ROOT,
      env: { ...env, CDK_DISABLE_VERSION_CHECK: '1' },
      encoding: 'utf8',
      timeout: 180_000,
    });
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain('-c gatewayRoleArn=');
    expect(res.stderr).toContain('-c externalId=');
  }, 200_000);
});

describe('MantleGateway stack on the Web Function target', () => {
  let template: Template;
  beforeAll(() => {
    template = synth({ gateway: { compute: 'web-function', rateLimit: 200 } });
  });

  it('deploys a Web Function on Node.js 24 with an ApplicationManaged endpoint, and no Function URL', () => {
    template.resourceCountIs('AWS::Lambda::WebFunction', 1);
    template.resourceCountIs('AWS::Lambda::Url', 0);
    template.hasResourceProperties('AWS::Lambda::WebFunctionRevision', {
      BuildConfig: Match.objectLike({ RuntimeConfig: { Runtime: 'nodejs24.x' } }),
    });
    template.hasResourceProperties('AWS::Lambda::WebFunctionEndpoint', { AuthType: 'ApplicationManaged', ThrottleConfig: { RateLimit: 200 } });
  });

  it('runs 64 requests per environment for 900 s, with the deadline passed as GATEWAY_REQUEST_TIMEOUT_SECONDS', () => {
    const revision = Object.values(template.findResources('AWS::Lambda::WebFunctionRevision'))[0] as any;
    const body = JSON.stringify(revision.Properties);
    expect(body).toContain('"GATEWAY_REQUEST_TIMEOUT_SECONDS":"900"');
    expect(body).toContain('"GATEWAY_TABLE_NAME"');
    expect(body).toMatch(/"MaxConcurrency(PerEnvironment)?":64/);
    expect(body).toContain('"TimeoutSeconds":900');
  });

  it('keeps the output names; FunctionUrl is the endpoint URL ending in /', () => {
    for (const name of ['FunctionUrl', 'OpenAIBaseUrl', 'AnthropicBaseUrl', 'GatewayRoleArn', 'ConfigSecretArn', 'DashboardName', 'TableName'])
      template.hasOutput(name, {});
    template.hasOutput('FunctionUrl', {
      Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [Match.stringLikeRegexp('WebFunctionEndpoint'), 'DomainName'] }, '/']] },
    });
  });

  it('keeps the same role, table grants, dashboard and alarms', () => {
    const granted = statements(template).map((s) => ([] as string[]).concat(s.Action).sort().join(','));
    expect(granted).toEqual(
      expect.arrayContaining(['dynamodb:DeleteItem,dynamodb:GetItem,dynamodb:PutItem,dynamodb:Query,dynamodb:UpdateItem', 'bedrock-mantle:CreateInference']),
    );
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
  });

  it.each([
    [{ compute: 'web-function' as const, maxConcurrencyPerEnvironment: 200 }, /maxConcurrencyPerEnvironment/],
    [{ compute: 'web-function' as const, rateLimit: 150 }, /rateLimit/],
  ])('refuses invalid props early: %j', (props, message) => {
    const app = new App();
    const stack = new MantleGatewayStack(app, 'Ok');
    expect(() => new MantleGateway(stack, `Bad${Math.random()}`, props)).toThrow(message);
  });

  it('passes cdk-nag AwsSolutions, every acknowledged finding with a reason', () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'cdk-nag-web-')) });
    new MantleGatewayStack(app, 'MantleGatewayWeb', { gateway: { compute: 'web-function' } });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(() => app.synth()).not.toThrow();
    } finally {
      write.mockRestore();
    }
  });
});
