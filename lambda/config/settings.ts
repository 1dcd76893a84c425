import { DEFAULT_CONFIG_TTL_SECONDS, DEFAULT_METRICS_NAMESPACE, DEFAULT_TABLE_TIMEOUT_MS, DEFAULT_TOKEN_CACHE_SECONDS } from '../kernel/names';
import { endpointProblem } from './endpoint-rule';

/** Defaults of SPEC section 10. */
export { DEFAULT_CONFIG_TTL_SECONDS, DEFAULT_METRICS_NAMESPACE } from '../kernel/names';
export const DEFAULT_MAX_REQUEST_BYTES = 6_000_000;
export const DEFAULT_UPSTREAM_CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_UPSTREAM_FIRST_BYTE_TIMEOUT_MS = 600_000;
export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 120_000;
export const DEFAULT_UPSTREAM_MAX_ATTEMPTS = 3;

/** The gateway's process-wide settings, from environment variables. */
export interface GatewaySettings {
  readonly configFile?: string;
  readonly configSecretId?: string;
  readonly configTtlSeconds: number;
  /** Model ids that need the `/openai/v1` prefix (AWS_BEDROCK_MANTLE_OPENAI_V1_PREFIX_MODELS). */
  readonly openaiV1PrefixModels: ReadonlySet<string>;
  readonly metricsNamespace: string;
  readonly maxRequestBytes: number;
  readonly upstreamConnectTimeoutMs: number;
  readonly upstreamFirstByteTimeoutMs: number;
  readonly streamIdleTimeoutMs: number;
  readonly upstreamMaxAttempts: number;
  /**
   * Local development only (`serve --simulate`): the upstream for accounts without `endpoint`.
   * Must be a loopback http:// URL (GATEWAY_SIMULATOR_ENDPOINT).
   */
  readonly simulatorEndpoint?: string;
  /** The state table (GATEWAY_TABLE_NAME); without it no DynamoDB call is made. */
  readonly tableName?: string;
  /** Bound on each table call (GATEWAY_TABLE_TIMEOUT_MS). */
  readonly tableTimeoutMs: number;
  /** How long a table token lookup is cached (GATEWAY_TOKEN_CACHE_SECONDS). */
  readonly tokenCacheSeconds: number;
  /** The Web Function's timeout (GATEWAY_REQUEST_TIMEOUT_SECONDS), set by the stack. */
  readonly requestTimeoutSeconds?: number;
}

/** Thrown at start-up when an environment variable is unusable; the message says what to fix. */
export class SettingsError extends Error {
  public override readonly name: string = 'SettingsError';
}

type Env = Readonly<Record<string, string | undefined>>;

function numberVar(env: Env, name: string, fallback: number, { min, integer }: { min: number; integer: boolean }): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new SettingsError(`${name} must be ${integer ? 'an integer' : 'a number'} ≥ ${min} (got "${raw}"); unset it to use ${fallback}.`);
  }
  return value;
}

/** Reads and checks the settings, failing fast with a message that names the variable to fix. */
export function settingsFromEnv(env: Env = process.env): GatewaySettings {
  const configFile = env.GATEWAY_CONFIG_FILE?.trim() || undefined;
  const configSecretId = env.GATEWAY_CONFIG_SECRET_ID?.trim() || undefined;
  if (configFile && configSecretId) {
    throw new SettingsError('Set only one of GATEWAY_CONFIG_FILE and GATEWAY_CONFIG_SECRET_ID.');
  }
  const simulatorEndpoint = env.GATEWAY_SIMULATOR_ENDPOINT?.trim() || undefined;
  if (simulatorEndpoint && (endpointProblem(simulatorEndpoint) || !simulatorEndpoint.startsWith('http://'))) {
    throw new SettingsError('GATEWAY_SIMULATOR_ENDPOINT must be an http:// URL on a loopback address (it is for local development).');
  }
  const tableName = env.GATEWAY_TABLE_NAME?.trim() || undefined;
  if (tableName && !/^[A-Za-z0-9_.-]{3,255}$/.test(tableName))
    throw new SettingsError(`GATEWAY_TABLE_NAME must be a DynamoDB table name (3–255 of letters, digits, "_", "-", "."; got "${tableName}").`);
  const requestTimeout = env.GATEWAY_REQUEST_TIMEOUT_SECONDS?.trim()
    ? numberVar(env, 'GATEWAY_REQUEST_TIMEOUT_SECONDS', 900, { min: 1, integer: false })
    : undefined;
  return {
    ...(configFile ? { configFile } : {}),
    ...(tableName ? { tableName } : {}),
    ...(requestTimeout !== undefined ? { requestTimeoutSeconds: requestTimeout } : {}),
    tableTimeoutMs: numberVar(env, 'GATEWAY_TABLE_TIMEOUT_MS', DEFAULT_TABLE_TIMEOUT_MS, { min: 1, integer: true }),
    tokenCacheSeconds: numberVar(env, 'GATEWAY_TOKEN_CACHE_SECONDS', DEFAULT_TOKEN_CACHE_SECONDS, { min: 0, integer: false }),
    ...(configSecretId ? { configSecretId } : {}),
    ...(simulatorEndpoint ? { simulatorEndpoint } : {}),
    configTtlSeconds: numberVar(env, 'GATEWAY_CONFIG_TTL_SECONDS', DEFAULT_CONFIG_TTL_SECONDS, { min: 0, integer: false }),
    openaiV1PrefixModels: new Set(
      (env.AWS_BEDROCK_MANTLE_OPENAI_V1_PREFIX_MODELS ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
    metricsNamespace: env.METRICS_NAMESPACE?.trim() || DEFAULT_METRICS_NAMESPACE,
    maxRequestBytes: numberVar(env, 'MAX_REQUEST_BYTES', DEFAULT_MAX_REQUEST_BYTES, { min: 1, integer: true }),
    upstreamConnectTimeoutMs: numberVar(env, 'UPSTREAM_CONNECT_TIMEOUT_MS', DEFAULT_UPSTREAM_CONNECT_TIMEOUT_MS, { min: 1, integer: true }),
    upstreamFirstByteTimeoutMs: numberVar(env, 'UPSTREAM_FIRST_BYTE_TIMEOUT_MS', DEFAULT_UPSTREAM_FIRST_BYTE_TIMEOUT_MS, { min: 1, integer: true }),
    streamIdleTimeoutMs: numberVar(env, 'STREAM_IDLE_TIMEOUT_MS', DEFAULT_STREAM_IDLE_TIMEOUT_MS, { min: 1, integer: true }),
    upstreamMaxAttempts: numberVar(env, 'UPSTREAM_MAX_ATTEMPTS', DEFAULT_UPSTREAM_MAX_ATTEMPTS, { min: 1, integer: true }),
  };
}
