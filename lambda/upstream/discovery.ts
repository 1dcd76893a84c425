import type { AccountConfig } from '../config/schema';
import type { UpstreamAuth } from '../credentials/upstream-auth';
import { OpenAIPrefix } from '../kernel/openai-prefix';
import type { Forwarder } from './forward';
import { readBody } from './http-client';

/** Bound on a discovery call. */
const DISCOVERY_TIMEOUT_MS = 30_000;
const MODELS_PATH = { upstreamPath: (prefix: string) => `${prefix}/models` };

/**
 * What Mantle's `GET /v1/models` offers an account in a region, with the account's own credentials
 * (the provider console's "select all"). Mantle does not say which prefix a model needs.
 */
export async function discoverModels(forwarder: Forwarder, account: AccountConfig, region: string, auth: UpstreamAuth): Promise<string[]> {
  const { response } = await forwarder.forward({
    method: 'GET',
    surface: MODELS_PATH,
    account,
    region,
    prefix: { prefix: OpenAIPrefix.v1, retryOther: false },
    modelId: '-',
    auth,
    headers: { accept: 'application/json' },
    body: Buffer.alloc(0),
    deadline: Date.now() + DISCOVERY_TIMEOUT_MS,
  });
  const body = await readBody(response, { idleTimeoutMs: DISCOVERY_TIMEOUT_MS });
  let parsed: { data?: { id?: unknown }[] };
  try {
    parsed = JSON.parse(body.toString('utf8')) as { data?: { id?: unknown }[] };
  } catch {
    throw new Error('Mantle answered GET /v1/models with something that is not JSON');
  }
  return (parsed.data ?? []).map((m) => m.id).filter((id): id is string => typeof id === 'string');
}
