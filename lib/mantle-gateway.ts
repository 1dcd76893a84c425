import * as path from 'node:path';
import { Aws, CfnOutput, Duration, Fn, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ConfigSecret } from './config-secret';
import { GatewayAlarms } from './gateway-alarms';
import { GatewayDashboard } from './gateway-dashboard';

const PROJECT_ROOT = path.join(__dirname, '..');
/** Lambda's maximum: long reasoning answers stream for minutes. */
export const FUNCTION_TIMEOUT = Duration.minutes(15);
/** @default memory: more memory is more CPU, which is what TLS and JSON scanning spend. */
export const DEFAULT_MEMORY_MB = 1024;
export const DEFAULT_METRICS_NAMESPACE = 'MantleGateway';
const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::(\d{12}|\*):role\/[\w+=,.@\-/*]+$/;

/** Props of {@link MantleGateway}. */
export interface MantleGatewayProps {
  /**
   * The configuration secret to use, by ARN.
   * @default a new secret holding a valid starter document with a generated signing key
   */
  readonly configSecretArn?: string;
  /**
   * Customer roles the gateway may assume (`assume-role` accounts). Wildcards allowed in the role
   * name or account (`arn:aws:iam::*:role/MantleGatewayAccess`).
   * @default none: only `access-key`, `api-key` and `default` accounts work
   */
  readonly assumableRoleArns?: readonly string[];
  /** @default 'MantleGateway' */
  readonly metricsNamespace?: string;
  /** @default no reservation */
  readonly reservedConcurrency?: number;
  /**
   * Origins browsers may call the Function URL from.
   * @default none (no CORS)
   */
  readonly corsAllowedOrigins?: readonly string[];
  /** @default 60 */
  readonly configTtlSeconds?: number;
  /** @default 1024 */
  readonly memorySize?: number;
  /** @default logs.RetentionDays.THREE_MONTHS */
  readonly logRetention?: logs.RetentionDays;
  /**
   * SNS topic the alarms notify.
   * @default no notifications
   */
  readonly alarmTopicArn?: string;
  /**
   * Model ids that need the `/openai/v1` path prefix (AWS_BEDROCK_MANTLE_OPENAI_V1_PREFIX_MODELS).
   * @default none beyond the built-in catalog
   */
  readonly openaiV1PrefixModels?: readonly string[];
  /** @default 'MantleGateway' */
  readonly dashboardName?: string;
}

/**
 * Mantle Gateway: the response-streaming Lambda behind a Function URL (auth NONE: the gateway
 * authenticates its own tokens), its configuration secret, a least-privilege role, a log group with
 * retention, the dashboard and the alarms.
 */
export class MantleGateway extends Construct {
  public readonly function: nodejs.NodejsFunction;
  public readonly functionUrl: lambda.FunctionUrl;
  public readonly role: iam.Role;
  public readonly configSecret: ConfigSecret;
  public readonly dashboard: GatewayDashboard;
  public readonly alarms: GatewayAlarms;

  public constructor(scope: Construct, id: string, props: MantleGatewayProps = {}) {
    super(scope, id);
    MantleGateway.validate(props);
    const namespace = props.metricsNamespace ?? DEFAULT_METRICS_NAMESPACE;

    this.configSecret = new ConfigSecret(this, 'Config', props.configSecretArn === undefined ? {} : { existingSecretArn: props.configSecretArn });
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS });

    // An explicit role instead of AWSLambdaBasicExecutionRole: logs only to its own log group.
    this.role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description: 'Mantle Gateway function role' });
    this.role.addToPolicy(new iam.PolicyStatement({ sid: 'OwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn, `${logGroup.logGroupArn}:*`] }));
    this.configSecret.secret.grantRead(this.role);
    this.role.addToPolicy(
      new iam.PolicyStatement({ sid: 'AdminApiWrites', actions: ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'], resources: [this.configSecret.secret.secretArn] }),
    );
    if (props.assumableRoleArns?.length) {
      this.role.addToPolicy(new iam.PolicyStatement({ sid: 'AssumeCustomerRoles', actions: ['sts:AssumeRole'], resources: [...props.assumableRoleArns] }));
    }
    this.role.addToPolicy(
      new iam.PolicyStatement({ sid: 'MantleInferenceOwnAccount', actions: ['bedrock-mantle:CreateInference'], resources: [`arn:${Aws.PARTITION}:bedrock-mantle:*:${Aws.ACCOUNT_ID}:project/*`] }),
    );

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: path.join(PROJECT_ROOT, 'lambda', 'handler.ts'),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? DEFAULT_MEMORY_MB,
      timeout: FUNCTION_TIMEOUT,
      role: this.role,
      logGroup,
      ...(props.reservedConcurrency === undefined ? {} : { reservedConcurrentExecutions: props.reservedConcurrency }),
      environment: {
        GATEWAY_CONFIG_SECRET_ID: this.configSecret.secret.secretArn,
        GATEWAY_CONFIG_TTL_SECONDS: String(props.configTtlSeconds ?? 60),
        METRICS_NAMESPACE: namespace,
        ...(props.openaiV1PrefixModels?.length ? { AWS_BEDROCK_MANTLE_OPENAI_V1_PREFIX_MODELS: props.openaiV1PrefixModels.join(',') } : {}),
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        // Local esbuild (a devDependency), never Docker.
        forceDockerBundling: false,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        target: 'node22',
        format: nodejs.OutputFormat.CJS,
      },
    });
    this.functionUrl = this.function.addFunctionUrl({
      authType: lambda.FunctionUrlAuthType.NONE,
      invokeMode: lambda.InvokeMode.RESPONSE_STREAM,
      ...(props.corsAllowedOrigins?.length
        ? {
            cors: {
              allowedOrigins: [...props.corsAllowedOrigins],
              allowedMethods: [lambda.HttpMethod.ALL],
              allowedHeaders: ['authorization', 'x-api-key', 'content-type', 'anthropic-version', 'anthropic-beta', 'openai-beta', 'idempotency-key', 'if-match'],
              exposedHeaders: ['x-request-id', 'server-timing', 'etag', 'retry-after'],
            },
          }
        : {}),
    });

    this.dashboard = new GatewayDashboard(this, 'Dashboard', { namespace, logGroup, ...(props.dashboardName ? { dashboardName: props.dashboardName } : {}) });
    const alarmTopic = props.alarmTopicArn ? sns.Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn) : undefined;
    this.alarms = new GatewayAlarms(this, 'Alarms', { namespace, ...(alarmTopic ? { alarmTopic } : {}) });

    const url = this.functionUrl.url;
    const stack = Stack.of(this);
    new CfnOutput(stack, 'FunctionUrl', { value: url, description: 'The gateway base URL' });
    new CfnOutput(stack, 'OpenAIBaseUrl', { value: `${url}v1`, description: 'baseURL for the OpenAI SDKs' });
    new CfnOutput(stack, 'AnthropicBaseUrl', { value: Fn.join('', ['https://', Fn.select(2, Fn.split('/', url))]), description: 'baseURL for the Anthropic SDKs' });
    new CfnOutput(stack, 'GatewayRoleArn', { value: this.role.roleArn, description: 'Trust this role from customer accounts (mantle-gateway trust-policy)' });
    new CfnOutput(stack, 'ConfigSecretArn', { value: this.configSecret.secret.secretArn, description: 'The configuration document (--secret-id)' });
    new CfnOutput(stack, 'DashboardName', { value: this.dashboard.dashboard.dashboardName, description: 'CloudWatch dashboard' });

    this.acknowledgeNagFindings(logGroup, props);
  }

  /** cdk-nag (AwsSolutions) findings that are deliberate, each with its reason. */
  private acknowledgeNagFindings(logGroup: logs.LogGroup, props: MantleGatewayProps): void {
    const policy = this.role.node.findChild('DefaultPolicy');
    const logGroupId = Stack.of(this).getLogicalId(logGroup.node.defaultChild as logs.CfnLogGroup);
    Validations.of(policy).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${logGroupId}.Arn>:*]`,
      reason: 'Log streams are created by Lambda inside the function’s own log group; their names are not known in advance.',
    });
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:bedrock-mantle:*:<AWS::AccountId>:project/*]',
      reason: 'Mantle inference for `default` accounts: any Mantle region (each model chooses its region) and any Bedrock project of this account (chosen per request with OpenAI-Project).',
    });
    for (const arn of props.assumableRoleArns ?? []) {
      if (!arn.includes('*')) continue;
      Validations.of(policy).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::${arn}]`,
        reason: 'Customer role pattern from the assumableRoleArns context: customers create the role in their own accounts; their trust policy (with an external id) decides.',
      });
    }
    if (!props.configSecretArn) {
      Validations.of(this.configSecret.node.findChild('Secret')).acknowledge({
        id: 'AwsSolutions::AwsSolutions-SMG4',
        reason: 'The secret is the configuration document (token hashes and account settings), not a credential with a rotation procedure; the signing key is rotated by editing the document.',
      });
    }
  }

  /** Fails early, with a message that says what to fix. */
  private static validate(props: MantleGatewayProps): void {
    for (const arn of props.assumableRoleArns ?? []) {
      if (!ROLE_ARN_PATTERN.test(arn)) throw new Error(`assumableRoleArns: "${arn}" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>, wildcards allowed).`);
    }
    if (props.reservedConcurrency !== undefined && (!Number.isInteger(props.reservedConcurrency) || props.reservedConcurrency < 1)) {
      throw new Error('reservedConcurrency must be a whole number of at least 1.');
    }
    if (props.configTtlSeconds !== undefined && !(props.configTtlSeconds >= 0)) throw new Error('configTtlSeconds must be a number ≥ 0.');
    if (props.metricsNamespace !== undefined && !/^[\w.\-/#:]{1,255}$/.test(props.metricsNamespace)) throw new Error('metricsNamespace must be 1–255 of letters, digits and . - _ / # :');
    for (const origin of props.corsAllowedOrigins ?? []) {
      if (origin !== '*' && !/^https?:\/\/[^/]+$/.test(origin)) throw new Error(`corsAllowedOrigins: "${origin}" must be an origin such as https://app.example.com.`);
    }
  }
}
