import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
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
/** The compute targets the construct deploys. */
export type ComputeTarget = 'function-url' | 'web-function';
/** Concurrent requests per Web Function environment unless told otherwise. */
export const DEFAULT_MAX_CONCURRENCY_PER_ENVIRONMENT = 64;
const RATE_LIMITS = new Set([0, ...Array.from({ length: 10 }, (_, i) => (i + 1) * 100), ...Array.from({ length: 9 }, (_, i) => (i + 2) * 1000)]);

/**
 * Bundles the Web Function entry with the local esbuild (never Docker) into a directory of its own:
 * `index.js`, the package root the Web Function runtime starts (AWS SDK included).
 */
function bundleWebFunction(): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'mantle-gateway-web-'));
  esbuild.buildSync({
    entryPoints: [path.join(PROJECT_ROOT, 'lambda', 'web-function.ts')],
    outfile: path.join(out, 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
  return out;
}

/** Props of {@link MantleGateway}. */
export interface MantleGatewayProps {
  /**
   * Where the gateway runs: a response-streaming function behind a Function URL, or a Lambda Web
   * Function (its own HTTP server; many requests share an environment; I/O wait is not billed as CPU).
   * @default 'function-url'
   */
  readonly compute?: ComputeTarget;
  /**
   * Web Function only: concurrent requests one execution environment serves (1–128).
   * @default 64
   */
  readonly maxConcurrencyPerEnvironment?: number;
  /**
   * Web Function only: the endpoint's requests-per-second cap (0, 100–1,000 by 100, 2,000–10,000 by 1,000).
   * @default no cap
   */
  readonly rateLimit?: number;
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
  /** Which compute target was deployed. */
  public readonly compute: ComputeTarget;
  /** The function behind the Function URL (`compute: 'function-url'`). */
  public readonly function?: nodejs.NodejsFunction;
  public readonly functionUrl?: lambda.FunctionUrl;
  /** The Web Function (`compute: 'web-function'`). */
  public readonly webFunction?: lambda.WebFunction;
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

    const environment: Record<string, string> = {
      GATEWAY_CONFIG_SECRET_ID: this.configSecret.secret.secretArn,
      GATEWAY_CONFIG_TTL_SECONDS: String(props.configTtl?.toSeconds() ?? DEFAULT_CONFIG_TTL_SECONDS),
      GATEWAY_TABLE_NAME: this.table.table.tableName,
      METRICS_NAMESPACE: namespace,
      ...(props.openaiV1PrefixModels?.length ? { AWS_BEDROCK_MANTLE_OPENAI_V1_PREFIX_MODELS: props.openaiV1PrefixModels.join(',') } : {}),
      NODE_OPTIONS: '--enable-source-maps',
    };
    this.compute = props.compute ?? 'function-url';
    if (this.compute === 'web-function') {
      this.webFunction = new lambda.WebFunction(this, 'WebFunction', {
        code: lambda.WebFunctionCode.fromAssetToManagedBucket(bundleWebFunction()),
        runtime: lambda.WebFunctionRuntime.NODEJS_24_X,
        defaultEndpointAuth: lambda.WebFunctionAuthType.APPLICATION_MANAGED,
        role: this.role,
        logGroup,
        timeout: FUNCTION_TIMEOUT,
        maxConcurrencyPerEnvironment: props.maxConcurrencyPerEnvironment ?? DEFAULT_MAX_CONCURRENCY_PER_ENVIRONMENT,
        ...(props.rateLimit !== undefined ? { defaultEndpoint: { rateLimit: props.rateLimit } } : {}),
        // The Web Function has no getRemainingTimeInMillis: its in-band deadline comes from here.
        environment: { ...environment, GATEWAY_REQUEST_TIMEOUT_SECONDS: String(FUNCTION_TIMEOUT.toSeconds()) },
      });
      this.url = `https://${this.webFunction.endpoint.domainName}/`;
      this.acknowledgeWebFunctionCodeCopy();
    } else {
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
        environment,
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
      this.url = this.functionUrl.url;
    }

    const stack = Stack.of(this);
    const dashboardName = props.dashboardName ?? (id === 'Gateway' ? stack.stackName : `${stack.stackName}-${id}`);
    this.dashboard = new GatewayDashboard(this, 'Dashboard', { namespace, logGroup, dashboardName });
    this.alarms = new GatewayAlarms(this, 'Alarms', { namespace, logGroup, ...(props.alarmTopic ? { alarmTopic: props.alarmTopic } : {}) });

    this.openAIBaseUrl = `${this.url}v1`;
    this.anthropicBaseUrl = Fn.join('', ['https://', Fn.select(2, Fn.split('/', this.url))]);

    this.acknowledgeNagFindings(logGroup, props);
  }

  /**
   * cdk-nag findings on what aws-cdk-lib itself adds for Web Function code (`fromAssetToManagedBucket`):
   * a versioned bucket the code is copied to, and the custom resource that copies it. Both are
   * deployment plumbing, shared by the stack, touched only by CloudFormation.
   */
  private acknowledgeWebFunctionCodeCopy(): void {
    const stack = Stack.of(this);
    const reasons: [string, string][] = [
      [
        'AwsSolutions::AwsSolutions-S1',
        'The bucket aws-cdk-lib creates to hold Web Function code: written only by the deployment, read only by Lambda; access logs would log CloudFormation.',
      ],
      [
        'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        'The code-copy custom resource aws-cdk-lib adds for Web Function code: its own logs only.',
      ],
      ['AwsSolutions::AwsSolutions-IAM5[Action::s3:Abort*]', 'The code-copy custom resource: multipart copies of the code object.'],
      ['AwsSolutions::AwsSolutions-IAM5[Action::s3:DeleteObject*]', 'The code-copy custom resource: replaces the code object it copied.'],
      [
        'AwsSolutions::AwsSolutions-IAM5[Resource::<AWSCDKWebFunctionAssetBucket5B596593.Arn>/web-function/*]',
        'The code-copy custom resource writes under the web-function/ prefix of the code bucket only.',
      ],
      [
        'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
        'The code-copy custom resource reads the CDK bootstrap asset bucket, where cdk deploy uploaded the bundle.',
      ],
    ];
    for (const [id, reason] of reasons) Validations.of(stack).acknowledge({ id, reason });
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
    if (props.compute !== undefined && props.compute !== 'function-url' && props.compute !== 'web-function') {
      throw new Error(`compute must be "function-url" or "web-function" (got "${String(props.compute)}").`);
    }
    const perEnv = props.maxConcurrencyPerEnvironment;
    if (perEnv !== undefined && !Token.isUnresolved(perEnv) && (!Number.isInteger(perEnv) || perEnv < 1 || perEnv > 128)) {
      throw new Error('maxConcurrencyPerEnvironment must be a whole number from 1 to 128.');
    }
    if (props.rateLimit !== undefined && !Token.isUnresolved(props.rateLimit) && !RATE_LIMITS.has(props.rateLimit)) {
      throw new Error('rateLimit must be 0, 100–1,000 in steps of 100, or 2,000–10,000 in steps of 1,000 (requests per second).');
    }
    if (props.metricsNamespace !== undefined && !Token.isUnresolved(props.metricsNamespace) && !/^[\w.\-/#:]{1,255}$/.test(props.metricsNamespace))
      throw new Error('metricsNamespace must be 1–255 of letters, digits and . - _ / # :');
    for (const origin of props.corsAllowedOrigins ?? []) {
      if (!Token.isUnresolved(origin) && origin !== '*' && !/^https?:\/\/[^/]+$/.test(origin))
        throw new Error(`corsAllowedOrigins: "${origin}" must be an origin such as https://app.example.com.`);
    }
  }
}
