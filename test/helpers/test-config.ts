import { randomBytes } from 'node:crypto';
import { generateToken } from '../../lambda/auth/tokens';
import type { ConfigDocumentInput } from '../../lambda/config/schema';
import { DEV_ACCESS_KEY_ID, DEV_API_KEY, DEV_SECRET_ACCESS_KEY } from '../../lambda/simulator/credentials';

/** Tokens of the test configuration, by who holds them. */
export interface TestTokens {
  readonly alice: string;
  readonly bob: string;
  readonly carol: string;
  /** Manager of `sim`. */
  readonly dave: string;
  readonly admin: string;
  readonly expired: string;
  readonly revoked: string;
}

/**
 * A configuration for end-to-end tests. Alice uses `sim` (SigV4) and, through team `ml`, `keyed`
 * (API key); Bob alone uses `private`; Carol is in no account.
 */
export function testConfig(): { document: ConfigDocumentInput; tokens: TestTokens } {
  const made = {
    alice: generateToken(),
    bob: generateToken(),
    carol: generateToken(),
    dave: generateToken(),
    admin: generateToken(),
    expired: generateToken(),
    revoked: generateToken(),
  };
  const now = Date.now();
  const record = (key: keyof typeof made, subject: string, extra: Record<string, unknown> = {}) => ({
    id: made[key].id,
    hash: made[key].hash,
    subject,
    name: key,
    createdAt: new Date(now - 86_400_000).toISOString(),
    expiresAt: new Date(now + 86_400_000).toISOString(),
    revoked: false,
    ...extra,
  });
  const document: ConfigDocumentInput = {
    version: 1,
    signingKey: randomBytes(32).toString('base64'),
    admins: ['user:root@example.com'],
    teams: { ml: ['user:alice@example.com'] },
    tokens: [
      record('alice', 'user:alice@example.com'),
      record('bob', 'user:bob@example.com'),
      record('carol', 'service:carol-batch'),
      record('dave', 'user:dave@example.com'),
      record('admin', 'user:root@example.com'),
      record('expired', 'user:alice@example.com', { expiresAt: new Date(now - 1000).toISOString() }),
      record('revoked', 'user:alice@example.com', { revoked: true }),
    ],
    accounts: [
      {
        name: 'sim',
        region: 'us-east-1',
        auth: { type: 'access-key', accessKeyId: DEV_ACCESS_KEY_ID, secretAccessKey: DEV_SECRET_ACCESS_KEY },
        project: 'proj_sim123',
        collaborators: [
          { subject: 'user:alice@example.com', role: 'user' },
          { subject: 'user:dave@example.com', role: 'manager' },
        ],
        models: [
          { modelId: 'openai.gpt-oss-120b' },
          { modelId: 'openai.gpt-5.5' },
          { modelId: 'acme.frontier-1' },
          { modelId: 'acme.frontier-2' },
          { name: 'oss-west', modelId: 'openai.gpt-oss-20b', region: 'us-west-2' },
          { name: 'mistral-chat-only', modelId: 'mistral.mistral-large-3', apis: ['chat'] },
          { name: 'sonnet', modelId: 'anthropic.claude-sonnet-4-6', apis: ['messages'], price: { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 } },
        ],
      },
      {
        name: 'keyed',
        region: 'us-west-2',
        auth: { type: 'api-key', apiKey: DEV_API_KEY },
        collaborators: [{ subject: 'team:ml', role: 'user' }],
        models: [{ name: 'oss-keyed', modelId: 'openai.gpt-oss-20b' }],
      },
      {
        name: 'private',
        region: 'eu-west-1',
        auth: { type: 'access-key', accessKeyId: DEV_ACCESS_KEY_ID, secretAccessKey: DEV_SECRET_ACCESS_KEY },
        collaborators: [{ subject: 'user:bob@example.com', role: 'manager' }],
        models: [{ name: 'private-oss', modelId: 'openai.gpt-oss-120b' }],
      },
    ],
  };
  return {
    document,
    tokens: {
      alice: made.alice.token,
      bob: made.bob.token,
      carol: made.carol.token,
      dave: made.dave.token,
      admin: made.admin.token,
      expired: made.expired.token,
      revoked: made.revoked.token,
    },
  };
}
