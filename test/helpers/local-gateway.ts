import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHandler, createRequestPath, createServices, type ServiceOverrides } from '../../lambda/app';
import { closeServer, listen } from '../../lambda/runtime/listen';
import { createWebFunctionServer, type WebFunctionServer } from '../../lambda/web-function/server';
import { settingsFromEnv } from '../../lambda/config/settings';
import type { StreamingHandler } from '../../lambda/runtime/awslambda';
import { startFunctionUrlServer, type RunningServer } from '../../lambda/runtime/function-url-server';
import { AwsStandIn } from '../../lambda/simulator/aws/aws-stand-in';
import { SimulatorCredentials } from '../../lambda/simulator/credentials';
import { MantleSimulator, type SimulatorOptions } from '../../lambda/simulator/server';
import { testConfig, type TestTokens } from './test-config';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { StateTable } from '../../lambda/aws/state-table';
import { createStateTable } from '../../lambda/aws/state-table-admin';
import { LocalDynamoDb } from '../../lambda/simulator/aws/local-dynamodb';

/** The state table of `table: true` gateways. */
export const TEST_TABLE = 'mantle-gateway-test';

/** A gateway behind the local Function URL runtime, in front of a fresh simulator. */
export interface LocalGateway {
  readonly url: string;
  readonly simulator: MantleSimulator;
  readonly tokens: TestTokens;
  readonly configFile: string;
  /** The local AWS (STS, Secrets Manager), when started with `aws: true`. */
  readonly aws?: AwsStandIn;
  /** The secret holding the configuration, when started with `configIn: 'secret'`. */
  readonly secretName?: string;
  /** The EMF lines the gateway wrote. */
  readonly records: () => Record<string, any>[];
  /** The raw EMF lines. */
  readonly recordLines: () => string[];
  /** The local DynamoDB, when started with `table: true`. */
  readonly dynamo?: LocalDynamoDb;
  /** The state table, when started with `table: true`. */
  readonly table?: StateTable;
  /** The Web Function server, with `target: 'web-function'`. */
  readonly web?: WebFunctionServer;
  /** The streaming handler itself, for events the local Function URL would not build. */
  readonly handler: StreamingHandler;
  /** Waits until at least `count` records were written; resolves with the last. */
  waitForRecord(count: number): Promise<Record<string, any>>;
  close(): Promise<void>;
}

export interface LocalGatewayOptions {
  /** Extra environment for settingsFromEnv (SPEC section 10 variables). */
  readonly env?: Record<string, string>;
  readonly simulator?: SimulatorOptions;
  /** Edits the test configuration before it is written. */
  readonly editConfig?: (doc: ReturnType<typeof testConfig>['document']) => void;
  readonly overrides?: ServiceOverrides;
  /** Start the local AWS stand-in and point the AWS SDK clients at it (process environment). */
  readonly aws?: boolean;
  /** Where the configuration lives: a file (default) or a secret in the stand-in. */
  readonly configIn?: 'file' | 'secret';
  /** The function timeout the local runtime reports through getRemainingTimeInMillis. */
  readonly functionTimeoutMs?: number;
  /** Start a local DynamoDB with the state table and point the gateway at it. */
  readonly table?: boolean;
  /** The compute target: the handler behind the Function URL emulator (default), or the Web Function server. */
  readonly target?: 'function-url' | 'web-function';
}

/** Environment variables set for a test file, restored by close(). */
function setEnv(vars: Record<string, string>): () => void {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

/** Starts a simulator and a gateway configured by `testConfig()`, every account pointed at the simulator. */
export async function startLocalGateway(options: LocalGatewayOptions = {}): Promise<LocalGateway> {
  const credentials = new SimulatorCredentials();
  const simulator = new MantleSimulator({ credentials, ...options.simulator });
  const simulatorUrl = await simulator.start();
  let aws: AwsStandIn | undefined;
  let restoreEnv = (): void => undefined;
  if (options.aws || options.configIn === 'secret') {
    aws = new AwsStandIn(credentials);
    const awsUrl = await aws.start();
    // The SDK clients read these when they are created (once per process, on first use).
    restoreEnv = setEnv({ ...aws.environment(awsUrl), AWS_MAX_ATTEMPTS: '1' });
  }
  let dynamo: LocalDynamoDb | undefined;
  let table: StateTable | undefined;
  const tableEnv: Record<string, string> = {};
  if (options.table) {
    dynamo = new LocalDynamoDb();
    const endpoint = await dynamo.start();
    // A client of its own: the SDK's per-process client would keep the first test's endpoint.
    const client = new DynamoDBClient({ endpoint, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    await createStateTable(TEST_TABLE, client);
    table = new StateTable(TEST_TABLE, Number(options.env?.GATEWAY_TABLE_TIMEOUT_MS ?? 1000), () => client);
    tableEnv.GATEWAY_TABLE_NAME = TEST_TABLE;
  }
  const { document, tokens } = testConfig();
  options.editConfig?.(document);
  const dir = mkdtempSync(join(tmpdir(), 'mgw-test-'));
  const configFile = join(dir, 'gateway.json');
  writeFileSync(configFile, JSON.stringify(document, null, 2));
  const secretName = options.configIn === 'secret' ? 'mantle-gateway/config' : undefined;
  if (secretName) aws!.secretsManager.createSecret(secretName, JSON.stringify(document, null, 2));
  const source = secretName ? { GATEWAY_CONFIG_SECRET_ID: secretName } : { GATEWAY_CONFIG_FILE: configFile };
  const settings = settingsFromEnv({ ...source, GATEWAY_SIMULATOR_ENDPOINT: simulatorUrl, ...tableEnv, ...options.env });
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const services = createServices(settings, { ...(table ? { table } : {}), ...options.overrides });
  const handler = createHandler(services) as unknown as StreamingHandler;
  let server: RunningServer;
  let web: WebFunctionServer | undefined;
  if (options.target === 'web-function') {
    web = createWebFunctionServer(createRequestPath(services), { requestTimeoutSeconds: (options.functionTimeoutMs ?? 900_000) / 1000 });
    const url = await listen(web.server, 0, '127.0.0.1');
    server = { url, server: web.server, close: () => closeServer(web!.server) };
  } else {
    server = await startFunctionUrlServer({ handler, ...(options.functionTimeoutMs ? { functionTimeoutMs: options.functionTimeoutMs } : {}) });
  }
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.startsWith('{"_aws"')) {
      lines.push(...text.split('\n').filter(Boolean));
      return true;
    }
    return write(chunk as string, ...(rest as []));
  }) as typeof process.stdout.write);
  return {
    url: server.url,
    simulator,
    tokens,
    configFile,
    ...(aws ? { aws } : {}),
    ...(secretName ? { secretName } : {}),
    ...(dynamo ? { dynamo } : {}),
    ...(table ? { table } : {}),
    handler,
    ...(web ? { web } : {}),
    records: () => lines.map((l) => JSON.parse(l) as Record<string, any>),
    recordLines: () => [...lines],
    waitForRecord: async (count: number) => {
      for (let i = 0; i < 200 && lines.length < count; i++) await new Promise((r) => setTimeout(r, 5));
      if (lines.length < count) throw new Error(`expected ${count} records, have ${lines.length}`);
      return JSON.parse(lines.at(-1)!) as Record<string, any>;
    },
    close: async () => {
      spy.mockRestore();
      await server.close();
      await simulator.close();
      await aws?.close();
      await dynamo?.close();
      restoreEnv();
    },
  };
}
