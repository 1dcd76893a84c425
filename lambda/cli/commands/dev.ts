import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { generateToken } from '../../auth/tokens';
import { FileDocumentStore } from '../../config/document-store';
import { DEV_ACCESS_KEY_ID, DEV_API_KEY, DEV_SECRET_ACCESS_KEY } from '../../simulator/credentials';
import { LOCAL_IDP_AUDIENCE, LocalIdentityProvider } from '../../simulator/identity-provider';
import { parseFlags } from '../args';
import { documentText } from '../document-io';
import { newSigningKey } from '../starter-document';
import { DEFAULT_SERVE_PORT, portOf, startLocal, untilSignal } from './serve';
import type { Command } from './command';

/** Where `npm run dev` keeps its configuration (git-ignored). */
export const DEV_DIRECTORY = '.dev';
const DEV_SUBJECT = 'user:dev@example.com';

/** The example configuration of `npm run dev`: simulator-backed accounts, one admin token. */
export function devDocument(tokenId: string, tokenHash: string, issuer?: string): Record<string, unknown> {
  return {
    version: 1,
    signingKey: newSigningKey(),
    admins: [DEV_SUBJECT],
    teams: {},
    tokens: [{ id: tokenId, hash: tokenHash, subject: DEV_SUBJECT, name: 'npm run dev', createdAt: new Date().toISOString(), expiresAt: null, revoked: false }],
    // The local identity provider, so the sign-in path works offline.
    ...(issuer ? { identityProviders: [{ name: 'dev-idp', issuer, audience: LOCAL_IDP_AUDIENCE, subjectClaim: 'email', groupsClaim: 'groups' }] } : {}),
    // A group over two accounts and regions: a request whose first target is throttled is served by the second.
    groups: [{ name: 'oss-anywhere', targets: ['dev/gpt-oss-120b', 'dev-key/gpt-oss-20b'], strategy: 'priority' }],
    // A small limit, so a newcomer sees a 429 with its headers: more than 20 requests in a minute.
    limits: [{ name: 'dev-requests-per-minute', subjects: ['*'], per: 'minute', requests: 20 }],
    accounts: [
      {
        name: 'dev',
        region: 'us-east-1',
        auth: { type: 'access-key', accessKeyId: DEV_ACCESS_KEY_ID, secretAccessKey: DEV_SECRET_ACCESS_KEY },
        collaborators: [{ subject: '*', role: 'user' }],
        models: [
          { modelId: 'openai.gpt-oss-120b' },
          { modelId: 'openai.gpt-5.5' },
          { name: 'claude-sonnet', modelId: 'anthropic.claude-sonnet-4-6', apis: ['messages'] },
        ],
      },
      {
        name: 'dev-key',
        region: 'us-west-2',
        auth: { type: 'api-key', apiKey: DEV_API_KEY },
        collaborators: [{ subject: '*', role: 'user' }],
        models: [{ modelId: 'openai.gpt-oss-20b' }],
      },
    ],
  };
}

export const devCommand: Command = {
  name: 'dev',
  summary: 'serve --simulate with an example configuration and a ready token (npm run dev)',
  help: `Usage: mantle-gateway dev [--port 8787]

Writes ${DEV_DIRECTORY}/gateway.json (an example configuration with a fresh token), starts the
gateway with the Mantle simulator, and prints the token and a curl line. No AWS account needed.`,
  async run(args, output) {
    const { values } = parseFlags(args, { port: { type: 'string' } });
    if (values.help) return (output.out(devCommand.help), 0);
    await mkdir(DEV_DIRECTORY, { recursive: true });
    const file = join(DEV_DIRECTORY, 'gateway.json');
    const made = generateToken();
    const idp = new LocalIdentityProvider();
    const issuer = await idp.start();
    await new FileDocumentStore(file).write(documentText(devDocument(made.id, made.hash, issuer)), undefined);
    const local = await startLocal({
      config: file,
      port: portOf(values.port, DEFAULT_SERVE_PORT),
      host: '127.0.0.1',
      simulate: true,
      simulatorEventDelayMs: 20,
      simulatorBearerRegion: 'us-west-2',
    });
    const url = local.gateway.url;
    output.out(`Mantle Gateway (dev) on ${url}, backed by the Mantle simulator on ${local.simulatorUrl}`);
    output.out(`Configuration: ${file}`);
    if (local.tableName) output.out(`State table: ${local.tableName} (local DynamoDB); limit dev-requests-per-minute allows 20 requests a minute`);
    output.out(`Token: ${made.token}`);
    const jwt = await idp.sign({ email: 'person@example.com', email_verified: true, groups: [] });
    output.out(`Identity provider (local, OIDC): ${issuer}; a sample JWT for user:person@example.com, valid 1 h:`);
    output.out(`  ${jwt}`);
    output.out(
      `  mint a token with it: curl -s ${local.gateway.url}/admin/tokens -H "Authorization: Bearer <jwt>" -H "content-type: application/json" -d '{"name":"laptop"}'`,
    );
    output.out('');
    output.out('Try it:');
    output.out(`  curl -s ${url}/v1/chat/completions -H "Authorization: Bearer ${made.token}" -H "content-type: application/json" \\`);
    output.out(`    -d '{"model":"dev/gpt-oss-120b","messages":[{"role":"user","content":"Hello"}]}'`);
    output.out(
      `  a fallback: model "oss-anywhere" with "x_sim":{"throttleRegions":["us-east-1"]} in the body is throttled in us-east-1 and served from us-west-2`,
    );
    output.out('');
    output.out(`  OpenAI SDK:    new OpenAI({ baseURL: "${url}/v1", apiKey: "<token>" })`);
    output.out(`  Anthropic SDK: new Anthropic({ baseURL: "${url}", apiKey: "<token>" })`);
    output.out('Press Ctrl+C to stop.');
    await untilSignal();
    await local.close();
    await idp.close();
    return 0;
  },
};
