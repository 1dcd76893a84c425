// What each credential costs to authenticate once cached, in-process (the function's own work, no
// HTTP): a document token, a table token (lookup cached) and a JWT (keys cached). Prints one JSON line.
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Authenticator } from '../lambda/auth/authenticator';
import { JwksCache } from '../lambda/auth/jwks-cache';
import { JwtVerifier } from '../lambda/auth/jwt-verifier';
import { TableTokens } from '../lambda/auth/table-tokens';
import { generateToken } from '../lambda/auth/tokens';
import { StateTable } from '../lambda/aws/state-table';
import { createStateTable } from '../lambda/aws/state-table-admin';
import { GatewayConfig } from '../lambda/config/gateway-config';
import { parseConfigDocument } from '../lambda/config/validate';
import { LocalDynamoDb } from '../lambda/simulator/aws/local-dynamodb';
import { LocalIdentityProvider } from '../lambda/simulator/identity-provider';

const ROUNDS = Number(process.env.IDENTITY_BENCH_ROUNDS ?? 20_000);

async function main(): Promise<void> {
  const dynamo = new LocalDynamoDb();
  const endpoint = await dynamo.start();
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await createStateTable('identity-bench', client);
  const idp = new LocalIdentityProvider();
  const issuer = await idp.start();
  const doc = generateToken();
  const text = JSON.stringify({
    version: 1,
    signingKey: randomBytes(32).toString('base64'),
    tokens: [{ id: doc.id, hash: doc.hash, subject: 'user:doc@example.com', createdAt: new Date().toISOString() }],
    identityProviders: [{ name: 'bench', issuer, audience: 'mantle-gateway' }],
  });
  const config = new GatewayConfig(parseConfigDocument(text, 'bench'), text);
  const tableTokens = new TableTokens(new StateTable('identity-bench', 5000, () => client), 30);
  const auth = new Authenticator(new JwtVerifier(new JwksCache()), tableTokens);
  const { token: tableToken } = await tableTokens.create('user:table@example.com', 'bench', 86_400_000);
  const jwt = await idp.sign({ email: 'jwt@example.com' });
  const result: Record<string, number> = {};
  for (const [name, token] of [
    ['document', doc.token],
    ['table', tableToken],
    ['jwt', jwt],
  ] as const) {
    const headers = { authorization: `Bearer ${token}` };
    for (let i = 0; i < 2000; i++) await auth.authenticate(headers, config); // warm: caches filled, JIT done
    const times: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const t0 = performance.now();
      await auth.authenticate(headers, config);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    result[`${name}P50Us`] = Number((times[Math.floor(ROUNDS / 2)]! * 1000).toFixed(1));
    result[`${name}P99Us`] = Number((times[Math.floor(ROUNDS * 0.99)]! * 1000).toFixed(1));
  }
  result.tableOverDocumentP50Us = Number((result.tableP50Us! - result.documentP50Us!).toFixed(1));
  result.jwtOverDocumentP50Us = Number((result.jwtP50Us! - result.documentP50Us!).toFixed(1));
  process.stdout.write(`${JSON.stringify(result)}\n`);
  await idp.close();
  await dynamo.close();
}

void main();
