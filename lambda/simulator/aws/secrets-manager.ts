import { randomUUID } from 'node:crypto';
import { AwsApiError } from './aws-error';

interface SecretVersion {
  readonly id: string;
  readonly text: string;
  readonly createdAt: number;
  stages: string[];
}

interface Secret {
  readonly arn: string;
  readonly name: string;
  readonly versions: SecretVersion[];
}

type Json = Record<string, any>;

const CURRENT = 'AWSCURRENT';
const PREVIOUS = 'AWSPREVIOUS';

/**
 * Secrets Manager (JSON 1.1) for GetSecretValue, PutSecretValue, DescribeSecret and
 * UpdateSecretVersionStage, with the real error shapes and staging-label rules.
 */
export class SecretsManagerStandIn {
  private readonly secrets = new Map<string, Secret>();

  public constructor(
    private readonly region = 'us-east-1',
    private readonly accountId = '111111111111',
  ) {}

  /** Creates (or replaces) a secret with one current version. */
  public createSecret(name: string, text: string): string {
    const arn = `arn:aws:secretsmanager:${this.region}:${this.accountId}:secret:${name}-${randomUUID().slice(0, 6)}`;
    this.secrets.set(name, { arn, name, versions: [{ id: randomUUID(), text, createdAt: Date.now(), stages: [CURRENT] }] });
    return arn;
  }

  /** The current text of a secret (for tests). */
  public currentText(name: string): string | undefined {
    return this.secrets.get(name)?.versions.find((v) => v.stages.includes(CURRENT))?.text;
  }

  /** Sets the current value directly, as the console would. */
  public setCurrent(name: string, text: string): void {
    this.put({ SecretId: name, SecretString: text });
  }

  public handle(target: string, input: Json): Json {
    switch (target) {
      case 'secretsmanager.GetSecretValue':
        return this.get(input);
      case 'secretsmanager.PutSecretValue':
        return this.put(input);
      case 'secretsmanager.DescribeSecret':
        return this.describe(input);
      case 'secretsmanager.UpdateSecretVersionStage':
        return this.updateStage(input);
      default:
        throw new AwsApiError(400, 'UnknownOperationException', `Unknown operation ${target}`);
    }
  }

  private find(id: unknown): Secret {
    const secret = typeof id === 'string' ? (this.secrets.get(id) ?? [...this.secrets.values()].find((s) => s.arn === id)) : undefined;
    if (!secret) throw new AwsApiError(400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    return secret;
  }

  private get(input: Json): Json {
    const secret = this.find(input.SecretId);
    const stage = input.VersionStage ?? (input.VersionId ? undefined : CURRENT);
    const version = secret.versions.find((v) => (input.VersionId ? v.id === input.VersionId : v.stages.includes(stage)));
    if (!version)
      throw new AwsApiError(
        400,
        'ResourceNotFoundException',
        "Secrets Manager can't find the specified secret value for staging label: " + String(stage ?? input.VersionId),
      );
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.id,
      SecretString: version.text,
      VersionStages: [...version.stages],
      CreatedDate: version.createdAt / 1000,
    };
  }

  private put(input: Json): Json {
    const secret = this.find(input.SecretId);
    if (typeof input.SecretString !== 'string')
      throw new AwsApiError(400, 'InvalidParameterException', 'You must provide either SecretString or SecretBinary.');
    if (Buffer.byteLength(input.SecretString) > 65536)
      throw new AwsApiError(400, 'InvalidParameterException', 'The secret value exceeds the 65536 byte limit.');
    const id = typeof input.ClientRequestToken === 'string' ? input.ClientRequestToken : randomUUID();
    const existing = secret.versions.find((v) => v.id === id);
    if (existing) {
      if (existing.text !== input.SecretString)
        throw new AwsApiError(400, 'ResourceExistsException', 'A version with this ClientRequestToken already exists with different content.');
      return { ARN: secret.arn, Name: secret.name, VersionId: id, VersionStages: [...existing.stages] };
    }
    const stages: string[] = Array.isArray(input.VersionStages) ? [...input.VersionStages] : [CURRENT];
    for (const stage of stages) this.detach(secret, stage, stage === CURRENT);
    secret.versions.push({ id, text: input.SecretString, createdAt: Date.now(), stages });
    return { ARN: secret.arn, Name: secret.name, VersionId: id, VersionStages: stages };
  }

  /** Removes a label from whichever version has it; moving AWSCURRENT leaves AWSPREVIOUS on the old one. */
  private detach(secret: Secret, stage: string, markPrevious: boolean): void {
    for (const version of secret.versions) {
      if (!version.stages.includes(stage)) continue;
      version.stages = version.stages.filter((s) => s !== stage);
      if (markPrevious) {
        for (const v of secret.versions) v.stages = v.stages.filter((s) => s !== PREVIOUS);
        version.stages.push(PREVIOUS);
      }
    }
  }

  private describe(input: Json): Json {
    const secret = this.find(input.SecretId);
    const VersionIdsToStages: Record<string, string[]> = {};
    for (const v of secret.versions) if (v.stages.length) VersionIdsToStages[v.id] = [...v.stages];
    return { ARN: secret.arn, Name: secret.name, VersionIdsToStages };
  }

  private updateStage(input: Json): Json {
    const secret = this.find(input.SecretId);
    const stage = String(input.VersionStage ?? '');
    const holder = secret.versions.find((v) => v.stages.includes(stage));
    if (holder && holder.id !== input.RemoveFromVersionId) {
      throw new AwsApiError(
        400,
        'InvalidParameterException',
        `The staging label ${stage} is currently attached to version ${holder.id}, so you must explicitly reference that version in RemoveFromVersionId.`,
      );
    }
    const target = input.MoveToVersionId ? secret.versions.find((v) => v.id === input.MoveToVersionId) : undefined;
    if (input.MoveToVersionId && !target) throw new AwsApiError(400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret version.");
    if (holder) this.detach(secret, stage, stage === CURRENT && target !== undefined);
    if (target && !target.stages.includes(stage)) target.stages.push(stage);
    return { ARN: secret.arn, Name: secret.name };
  }
}
