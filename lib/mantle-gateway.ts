import * as path from 'node:path';
import { Aws, Duration, Fn, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ConfigSecret } from './config-secret';
import { GatewayAlarms } from './gateway-alarms';
import { GatewayDashboard } from './gateway-dashboard';
import { StateTable } from './state-table';
import { DEFAULT_CONFIG_TTL_SECONDS, DEFAULT_METRICS_NAMESPACE, ROLE_ARN_WILDCARD_PATTERN } from '../lambda/kernel/names';

const PROJECT_ROOT = path.join(__dirname, '..');
/** Lambda's maximum: long reasoning answers stream for minutes. */
export const FUNCTION_TIMEOUT = Duration.minutes(15);
/** @default memory: more memory is more CPU, which is what TLS and JSON scanning spend. */
export const DEFAULT_MEMORY_MB = 1024;
export { DEFAULT_METRICS_NAMESPACE };

/** Props of {@link MantleGateway}. */
export interface MantleGatewayProps {
  /**
   * The configuration secret to use (`Secret.fromSecretCompleteArn` for one that exists).
   * @default a new secret holding a valid starter document with a generated signing key
   */
  readonly configSecret?: secretsmanager.ISecret;
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
  /**
   * How long each instance caches the configuration document (GATEWAY_CONFIG_TTL_SECONDS).
   * @default Duration.seconds(60)
   */
  readonly configTtl?: Duration;
  /** @default 1024 */
  readonly memorySize?: number;
  /** @default logs.RetentionDays.THREE_MONTHS */
  readonly logRetention?: logs.RetentionDays;
  /**
   * SNS topic the alarms notify.
   * @default no notifications
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Model ids that need the `/openai/v1` path prefix (AWS_BEDROCK_MANTLE_OPENAI_V1_PREFIX_MODELS).
   * @default none beyond the built-in catalog
   */
  readonly openaiV1PrefixModels?: readonly string[];
  /**
   * @default the stack's name (with the construct's id appended when it is not `Gateway`), so two
   *   gateways can live in one app and one account
   */
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
  public readonly table: StateTable;
  public readonly dashboard: GatewayDashboard;
  public readonly alarms: GatewayAlarms;
  /** The gateway's base URL (ends in `/`). */
  public readonly url: string;
  /** `baseURL` for the OpenAI SDKs (`<url>v1`). */
  public readonly openAIBaseUrl: string;
  /** `baseURL` for the Anthropic SDKs (the URL without its trailing `/`). */
  public readonly anthropicBaseUrl: string;

  public constructor(scope: Construct, id: string, props: MantleGatewayProps = {}) {
    super(scope, id);
    MantleGateway.validate(props);
    const namespace = props.metricsNamespace ?? DEFAULT_METRICS_NAMESPACE;

    this.configSecret = new ConfigSecret(this, 'Config', props.configSecret === undefined ? {} : { existingSecret: props.configSecret });
    this.table = new StateTable(this, 'State');
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS });

    // An explicit role instead of AWSLambdaBasicExecutionRole: logs only to its own log group.
    this.role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description: 'Mantle Gateway function role' });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'OwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn, `${logGroup.logGroupArn}:*`],
      }),
    );
    this.configSecret.secret.grantRead(this.role);
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'AdminApiWrites',
        actions: ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'],
        resources: [this.configSecret.secret.secretArn],
      }),
    );
    if (props.assumableRoleArns?.length) {
      this.role.addToPolicy(new iam.PolicyStatement({ sid: 'AssumeCustomerRoles', actions: ['sts:AssumeRole'], resources: [...props.assumableRoleArns] }));
    }
    this.table.grantItems(this.role);
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'MantleInferenceOwnAccount',
        actions: ['bedrock-mantle:CreateInference'],
        resources: [`arn:${Aws.PARTITION}:bedrock-mantle:*:${Aws.ACCOUNT_ID}:project/*`],
      }),
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
        GATEWAY_CONFIG_TTL_SECONDS: String(props.configTtl?.toSeconds() ?? DEFAULT_CONFIG_TTL_SECONDS),
        GATEWAY_TABLE_NAME: this.table.table.tableName,
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
              allowedHeaders: [
                'authorization',
                'x-api-key',
                'content-type',
                'anthropic-version',
                'anthropic-beta',
                'openai-beta',
                'idempotency-key',
                'if-match',
              ],
              exposedHeaders: ['x-request-id', 'server-timing', 'etag', 'retry-after'],
            },
          }
        : {}),
    });

    const stack = Stack.of(this);
    const dashboardName = props.dashboardName ?? (id === 'Gateway' ? stack.stackName : `${stack.stackName}-${id}`);
    this.dashboard = new GatewayDashboard(this, 'Dashboard', { namespace, logGroup, dashboardName });
    this.alarms = new GatewayAlarms(this, 'Alarms', { namespace, logGroup, ...(props.alarmTopic ? { alarmTopic: props.alarmTopic } : {}) });

    this.url = this.functionUrl.url;
    this.openAIBaseUrl = `${this.url}v1`;
    this.anthropicBaseUrl = Fn.join('', ['https://', Fn.select(2, Fn.split('/', this.url))]);

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
      reason:
        'Mantle inference for `default` accounts: any Mantle region (each model chooses its region) and any Bedrock project of this account (chosen per request with OpenAI-Project).',
    });
    for (const arn of props.assumableRoleArns ?? []) {
      if (!arn.includes('*')) continue;
      Validations.of(policy).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::${arn}]`,
        reason:
          'Customer role pattern from the assumableRoleArns context: customers create the role in their own accounts; their trust policy (with an external id) decides.',
      });
    }
    if (!props.configSecret) {
      Validations.of(this.configSecret.node.findChild('Secret')).acknowledge({
        id: 'AwsSolutions::AwsSolutions-SMG4',
        reason:
          'The secret is the configuration document (token hashes and account settings), not a credential with a rotation procedure; the signing key is rotated by editing the document.',
      });
    }
  }

  /** Fails early, with a message that says what to fix; values only known at deploy time (tokens) pass. */
  private static validate(props: MantleGatewayProps): void {
    for (const arn of props.assumableRoleArns ?? []) {
      if (!Token.isUnresolved(arn) && !ROLE_ARN_WILDCARD_PATTERN.test(arn))
        throw new Error(`assumableRoleArns: "${arn}" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>, wildcards allowed).`);
    }
    if (
      props.reservedConcurrency !== undefined &&
      !Token.isUnresolved(props.reservedConcurrency) &&
      (!Number.isInteger(props.reservedConcurrency) || props.reservedConcurrency < 1)
    ) {
      throw new Error('reservedConcurrency must be a whole number of at least 1.');
    }
    if (props.configTtl !== undefined && !props.configTtl.isUnresolved() && props.configTtl.toMilliseconds() > 3_600_000) {
      throw new Error('configTtl must be at most one hour: other instances see admin writes only after it.');
    }
    if (props.metricsNamespace !== undefined && !Token.isUnresolved(props.metricsNamespace) && !/^[\w.\-/#:]{1,255}$/.test(props.metricsNamespace))
      throw new Error('metricsNamespace must be 1–255 of letters, digits and . - _ / # :');
    for (const origin of props.corsAllowedOrigins ?? []) {
      if (!Token.isUnresolved(origin) && origin !== '*' && !/^https?:\/\/[^/]+$/.test(origin))
        throw new Error(`corsAllowedOrigins: "${origin}" must be an origin such as https://app.example.com.`);
    }
  }
}
