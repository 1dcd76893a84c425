import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { STSClient } from '@aws-sdk/client-sts';

/** The region for the gateway's own AWS calls when nothing else says. */
export const FALLBACK_REGION = 'us-east-1';

const stsClients = new Map<string, STSClient>();
const secretsClients = new Map<string, SecretsManagerClient>();

/** The region of the running function (Lambda sets AWS_REGION). */
export function ownRegion(): string {
  return process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || FALLBACK_REGION;
}

/**
 * One STS client per region for the life of the process. The SDK module is loaded on first use,
 * so gateways that assume no role never pay for it at cold start. The client honours
 * AWS_ENDPOINT_URL_STS and uses the gateway's own credentials (the default chain).
 */
export function stsClient(region: string = ownRegion()): STSClient {
  let client = stsClients.get(region);
  if (!client) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { STSClient: Client } = require('@aws-sdk/client-sts') as typeof import('@aws-sdk/client-sts');
    client = new Client({ region });
    stsClients.set(region, client);
  }
  return client;
}

/** One Secrets Manager client per region (honours AWS_ENDPOINT_URL_SECRETS_MANAGER), loaded on first use. */
export function secretsManagerClient(region: string = ownRegion()): SecretsManagerClient {
  let client = secretsClients.get(region);
  if (!client) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { SecretsManagerClient: Client } = require('@aws-sdk/client-secrets-manager') as typeof import('@aws-sdk/client-secrets-manager');
    client = new Client({ region });
    secretsClients.set(region, client);
  }
  return client;
}

/** The region of a secret given by ARN, else the function's own. */
export function secretRegion(secretId: string): string {
  return /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):/.exec(secretId)?.[1] ?? ownRegion();
}
