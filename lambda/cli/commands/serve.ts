import { createHandler, createRequestPath, createServices } from '../../app';
import { createWebFunctionServer } from '../../web-function/server';
import { closeServer, listen } from '../../runtime/listen';
import { settingsFromEnv } from '../../config/settings';
import { installAwsLambdaGlobal, type StreamingHandler } from '../../runtime/awslambda';
import { startFunctionUrlServer, type RunningServer } from '../../runtime/function-url-server';
import { MantleSimulator } from '../../simulator/server';
import { parseFlags, STORE_FLAGS, storeFrom } from '../args';
import { readDocument } from '../document-io';
import { createStateTable } from '../../aws/state-table-admin';
import { checkDeployment, ConfigValidationError } from '../../config/validate';
import { LocalDynamoDb } from '../../simulator/aws/local-dynamodb';
import { CliFailure, UsageError } from '../cli-errors';
import type { CliOutput } from '../output';
import type { Command } from './command';

/** The state table `serve --simulate` and `npm run dev` create in their local DynamoDB. */
export const LOCAL_TABLE_NAME = 'mantle-gateway-local';

/** The compute targets `serve` runs locally. */
export type ComputeTarget = 'function-url' | 'web-function';

/** The default port of `serve`. */
export const DEFAULT_SERVE_PORT = 8787;

/** A running local gateway (and its simulator, with --simulate). */
export interface LocalDeployment {
  readonly gateway: RunningServer;
  readonly simulatorUrl?: string;
  /** The local state table, when `--simulate` started one. */
  readonly tableName?: string;
  close(): Promise<void>;
}

/** Starts the Lambda handler behind the local Function URL emulator. */
export async function startLocal(options: {
  readonly config?: string;
  readonly secretId?: string;
  readonly port: number;
  readonly host: string;
  readonly simulate: boolean;
  readonly simulatorEventDelayMs?: number;
  /** The region the simulator gives requests signed with a Bearer key (they carry none of their own). */
  readonly simulatorBearerRegion?: string;
  /** `function-url` (default): the handler behind the local Function URL emulator; `web-function`: the Web Function's own HTTP server. */
  readonly target?: ComputeTarget;
}): Promise<LocalDeployment> {
  let simulator: MantleSimulator | undefined;
  let simulatorUrl: string | undefined;
  let dynamo: LocalDynamoDb | undefined;
  const env = { ...process.env };
  if (options.simulate) {
    simulator = new MantleSimulator({
      eventDelayMs: options.simulatorEventDelayMs ?? 0,
      ...(options.simulatorBearerRegion ? { bearerRegion: options.simulatorBearerRegion } : {}),
    });
    simulatorUrl = await simulator.start();
    // The state table too, unless this shell already points DynamoDB somewhere.
    if (!process.env.AWS_ENDPOINT_URL_DYNAMODB) {
      dynamo = new LocalDynamoDb();
      process.env.AWS_ENDPOINT_URL_DYNAMODB = await dynamo.start();
      env.GATEWAY_TABLE_NAME ||= LOCAL_TABLE_NAME;
      await createStateTable(env.GATEWAY_TABLE_NAME);
    }
  }
  delete env.GATEWAY_CONFIG_FILE;
  delete env.GATEWAY_CONFIG_SECRET_ID;
  if (options.config) env.GATEWAY_CONFIG_FILE = options.config;
  if (options.secretId) env.GATEWAY_CONFIG_SECRET_ID = options.secretId;
  if (simulatorUrl) env.GATEWAY_SIMULATOR_ENDPOINT = simulatorUrl;
  const settings = settingsFromEnv(env);
  let gateway: RunningServer;
  if (options.target === 'web-function') {
    const web = createWebFunctionServer(createRequestPath(createServices(settings)), {
      ...(settings.requestTimeoutSeconds !== undefined ? { requestTimeoutSeconds: settings.requestTimeoutSeconds } : {}),
    });
    const url = await listen(web.server, options.port, options.host);
    gateway = { url, server: web.server, close: async () => (await web.shutdown(), closeServer(web.server)) };
  } else {
    installAwsLambdaGlobal();
    const handler = createHandler(createServices(settings)) as unknown as StreamingHandler;
    gateway = await startFunctionUrlServer({ handler, port: options.port, host: options.host });
  }
  return {
    gateway,
    ...(simulatorUrl ? { simulatorUrl } : {}),
    ...(dynamo ? { tableName: env.GATEWAY_TABLE_NAME! } : {}),
    close: async () => {
      await gateway.close();
      await simulator?.close();
      await dynamo?.close();
    },
  };
}

/** Resolves when the process is asked to stop. */
export function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

/** Parses `--port`. */
export function portOf(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a number from 0 to 65535 (got "${value}").`);
  return port;
}

export async function runServe(args: readonly string[], output: CliOutput): Promise<number> {
  const { values } = parseFlags(args, {
    ...STORE_FLAGS,
    port: { type: 'string' },
    host: { type: 'string' },
    simulate: { type: 'boolean' },
    target: { type: 'string' },
  });
  const target = values.target ?? 'function-url';
  if (target !== 'function-url' && target !== 'web-function') throw new UsageError(`--target must be function-url or web-function (got "${target}").`);
  if (values.help) return (output.out(serveCommand.help), 0);
  // Without a flag, the gateway's own variables say where the configuration is, as on Lambda.
  const source =
    values.config || values['secret-id']
      ? values
      : { config: process.env.GATEWAY_CONFIG_FILE || undefined, 'secret-id': process.env.GATEWAY_CONFIG_SECRET_ID || undefined };
  const store = storeFrom(source);
  // Refuse to start on a configuration that cannot serve, saying why.
  const { document } = await readDocument(store);
  const tableName = process.env.GATEWAY_TABLE_NAME || (values.simulate && !process.env.AWS_ENDPOINT_URL_DYNAMODB ? LOCAL_TABLE_NAME : undefined);
  try {
    checkDeployment(document, store.description, tableName);
  } catch (error) {
    if (error instanceof ConfigValidationError) throw new CliFailure(error.message);
    throw error;
  }
  const local = await startLocal({
    ...(source.config ? { config: source.config } : {}),
    ...(source['secret-id'] ? { secretId: source['secret-id'] } : {}),
    port: portOf(values.port, DEFAULT_SERVE_PORT),
    host: values.host ?? '127.0.0.1',
    simulate: values.simulate === true,
    target,
  });
  const extras = [
    local.simulatorUrl ? `Mantle simulator on ${local.simulatorUrl}` : '',
    local.tableName ? `state table ${local.tableName} on ${process.env.AWS_ENDPOINT_URL_DYNAMODB}` : '',
  ].filter(Boolean);
  output.err(`Mantle Gateway listening on ${local.gateway.url}${extras.length ? ` (${extras.join('; ')})` : ''}`);
  await untilSignal();
  await local.close();
  return 0;
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the gateway locally behind a Function URL emulator',
  help: `Usage: mantle-gateway serve [--config FILE | --secret-id ID] [--port 8787] [--host 127.0.0.1] [--simulate] [--target function-url | web-function]

Runs the Lambda handler behind a local Function URL emulator that keeps Lambda's response
streaming semantics (--target function-url, the default), or the Web Function's own HTTP server
(--target web-function), which sees client disconnects. Without --config or --secret-id, GATEWAY_CONFIG_FILE or
GATEWAY_CONFIG_SECRET_ID says where the configuration is. --simulate also starts the Mantle simulator and points every account that
has no "endpoint" at it, and runs a local DynamoDB (dynalite, in this process) with the state table
${LOCAL_TABLE_NAME} unless AWS_ENDPOINT_URL_DYNAMODB is set (no AWS account needed).`,
  run: runServe,
};
