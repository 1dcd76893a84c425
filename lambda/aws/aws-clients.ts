import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { STSClient } from '@aws-sdk/client-sts';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** The region for the gateway's own AWS calls when nothing else says. */
export const FALLBACK_REGION = 'us-east-1';

/** The region of the running function (Lambda sets AWS_REGION). */
export function ownRegion(): string {
  return process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || FALLBACK_REGION;
}

/** Memoizes one client per region for the life of the process. */
function perRegion<T>(create: (region: string) => T): (region?: string) => T {
  const clients = new Map<string, T>();
  return (region = ownRegion()) => {
    let client = clients.get(region);
    if (!client) {
      client = create(region);
      clients.set(region, client);
    }
    return client;
  };
}

/**
 * One STS client per region. The SDK module is loaded on first use, so gateways that assume no
 * role never pay for it at cold start. It honours AWS_ENDPOINT_URL_STS and signs with the gateway's
 * own credentials (the default chain).
 */
export const stsClient: (region?: string) => STSClient = perRegion((region) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { STSClient: Client } = require('@aws-sdk/client-sts') as typeof import('@aws-sdk/client-sts');
  return new Client({ region });
});

/** One Secrets Manager client per region (honours AWS_ENDPOINT_URL_SECRETS_MANAGER), loaded on first use. */
export const secretsManagerClient: (region?: string) => SecretsManagerClient = perRegion((region) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { SecretsManagerClient: Client } = require('@aws-sdk/client-secrets-manager') as typeof import('@aws-sdk/client-secrets-manager');
  return new Client({ region });
});

/** The region of a secret given by ARN, else the function's own. */
export function secretRegion(secretId: string): string {
  return /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):/.exec(secretId)?.[1] ?? ownRegion();
}

/** What a local DynamoDB stand-in is signed with when the gateway has no AWS credentials of its own. */
const LOCAL_DYNAMODB_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/**
 * One DynamoDB client per region (honours AWS_ENDPOINT_URL_DYNAMODB), loaded on first use, so a
 * gateway without a state table never loads it. When the endpoint is a loopback stand-in and no
 * credentials are set (npm run dev on a machine without AWS), it signs with placeholder keys the
 * stand-in accepts, instead of walking the credential chain to the instance metadata service.
 */
export const dynamoDbClient: (region?: string) => DynamoDBClient = perRegion((region) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DynamoDBClient: Client } = require('@aws-sdk/client-dynamodb') as typeof import('@aws-sdk/client-dynamodb');
  const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB;
  const local = endpoint !== undefined && /^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?\/?$/.test(endpoint);
  const useLocalKeys = local && !process.env.AWS_ACCESS_KEY_ID && !process.env.AWS_PROFILE;
  // maxAttempts 1: an increment retried after an unknown failure could count twice (StateTable decides).
  return new Client({ region, maxAttempts: 1, ...(useLocalKeys ? { credentials: LOCAL_DYNAMODB_CREDENTIALS } : {}) });
});
