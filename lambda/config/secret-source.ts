import { randomUUID } from 'node:crypto';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { secretRegion, secretsManagerClient } from '../aws/aws-clients';
import { GatewayConfig } from './gateway-config';
import { VersionConflictError, type DocumentStore, type StoredDocument } from './document-store';

/** The SDK's command classes, loaded on first use (cold starts of file-configured gateways skip them). */
function secretsManagerCommands(): typeof import('@aws-sdk/client-secrets-manager') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@aws-sdk/client-secrets-manager') as typeof import('@aws-sdk/client-secrets-manager');
}

/** The staging label a write puts its new version under before moving AWSCURRENT to it. */
export const PENDING_STAGE = 'MANTLE_GATEWAY_PENDING';

/**
 * A configuration document in a Secrets Manager secret (GetSecretValue of AWSCURRENT). As a store,
 * a write is a compare-and-swap: the new version is put under a staging label, then AWSCURRENT is
 * moved to it from the version the write was based on; UpdateSecretVersionStage fails when that
 * version is no longer current, so concurrent writers across instances cannot overwrite each other.
 */
export class SecretConfigSource implements DocumentStore {
  public readonly description: string;

  /**
   * @param secretId name or ARN of the secret
   * @param client the Secrets Manager client (default: the SDK client of the secret's region, which
   *   honours AWS_ENDPOINT_URL_SECRETS_MANAGER)
   */
  public constructor(
    private readonly secretId: string,
    private readonly client: () => Pick<SecretsManagerClient, 'send'> = () => secretsManagerClient(secretRegion(secretId)),
  ) {
    this.description = `secret ${secretId}`;
  }

  public async read(): Promise<StoredDocument & { readonly versionId: string }> {
    const { GetSecretValueCommand } = secretsManagerCommands();
    const out = await this.client().send(new GetSecretValueCommand({ SecretId: this.secretId }));
    if (typeof out.SecretString !== 'string') throw new Error(`${this.description} has no SecretString`);
    return { text: out.SecretString, version: GatewayConfig.versionOf(out.SecretString), versionId: out.VersionId ?? '' };
  }

  public async write(text: string, baseVersion: string | undefined): Promise<StoredDocument> {
    const { PutSecretValueCommand, UpdateSecretVersionStageCommand } = secretsManagerCommands();
    const current = await this.read().catch((error: { name?: string }) => {
      if (error?.name === 'ResourceNotFoundException') return undefined;
      throw error;
    });
    if (!current) throw new Error(`${this.description} does not exist; create it first (the CDK stack does).`);
    if (baseVersion !== undefined && current.version !== baseVersion) throw new VersionConflictError();
    const versionId = randomUUID();
    await this.client().send(
      new PutSecretValueCommand({ SecretId: this.secretId, SecretString: text, ClientRequestToken: versionId, VersionStages: [PENDING_STAGE] }),
    );
    try {
      await this.client().send(
        new UpdateSecretVersionStageCommand({
          SecretId: this.secretId,
          VersionStage: 'AWSCURRENT',
          MoveToVersionId: versionId,
          RemoveFromVersionId: current.versionId,
        }),
      );
    } catch (error) {
      if ((error as { name?: string }).name === 'InvalidParameterException') throw new VersionConflictError();
      throw error;
    }
    return { text, version: GatewayConfig.versionOf(text) };
  }
}
