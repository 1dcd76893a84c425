import type { AwsCredentialIdentity } from '@smithy/types';
import { ErrorKind, UpstreamError } from '../kernel/errors';
import { redactArns } from '../kernel/redact';
import type { STSClient } from '@aws-sdk/client-sts';
import { stsClient } from '../aws/aws-clients';

/** Refresh credentials once they have less than this left (SPEC: at least 5 minutes ahead). */
export const REFRESH_AHEAD_SECONDS = 300;
/** Below this, credentials are not used any more: the request waits for fresh ones. */
export const MIN_REMAINING_SECONDS = 30;
/** How many role/subject sessions are kept; the least recently used goes first. */
export const MAX_CACHED_SESSIONS = 2000;

/** What identifies one set of assumed-role credentials. */
export interface RoleSessionKey {
  readonly roleArn: string;
  readonly externalId: string | undefined;
  readonly sessionName: string;
  readonly durationSeconds: number;
}

interface Entry {
  credentials?: AwsCredentialIdentity & { expiration: Date };
  pending?: Promise<AwsCredentialIdentity & { expiration: Date }>;
}

/** STS refused or failed: a 502 whose message says what to check, without the customer's ARNs. */
export class AssumeRoleError extends UpstreamError {
  public override readonly name: string = 'AssumeRoleError';
  public constructor(cause: unknown) {
    const code = (cause as { name?: string })?.name ?? 'Error';
    const denied = code === 'AccessDenied' || code === 'AccessDeniedException';
    super(
      502,
      ErrorKind.upstream,
      denied ? 'assume_role_denied' : 'assume_role_failed',
      denied
        ? "The gateway could not assume the account's role (AccessDenied). Check the role's trust policy: it must trust the gateway role for sts:AssumeRole with the account's externalId (mantle-gateway trust-policy prints it), and the external id configured for the account must match."
        : `The gateway could not obtain credentials from STS for this account (${code}: ${redactArns((cause as Error)?.message ?? '')}).`,
      { cause },
    );
  }
}

/**
 * Temporary credentials from STS AssumeRole, cached per role, external id and subject (the session
 * name). Expiry comes from STS's own `Expiration`: credentials are served until REFRESH_AHEAD_SECONDS
 * before it, then refreshed in the background while still valid; concurrent requests for the same key
 * share one STS call; a failed call evicts nothing but its own pending attempt, so valid credentials
 * keep serving while STS is down.
 */
export class AssumedRoleCredentials {
  private readonly entries = new Map<string, Entry>();

  /**
   * @param sts the STS client to call (default: the SDK client of the function's region, which
   *   honours AWS_ENDPOINT_URL_STS)
   * @param now the clock expiry is measured against
   */
  public constructor(
    private readonly sts: () => Pick<STSClient, 'send'> = () => stsClient(),
    private readonly now: () => number = Date.now,
  ) {}

  public static keyOf(key: RoleSessionKey): string {
    return `${key.roleArn}\u0000${key.externalId ?? ''}\u0000${key.sessionName}`;
  }

  public async get(key: RoleSessionKey): Promise<AwsCredentialIdentity> {
    const id = AssumedRoleCredentials.keyOf(key);
    let entry = this.entries.get(id);
    if (entry) {
      // Keep recently used sessions last, so eviction takes the least recently used.
      this.entries.delete(id);
      this.entries.set(id, entry);
    } else {
      entry = {};
      this.entries.set(id, entry);
      this.evictOverflow();
    }
    const current = entry.credentials;
    const remainingSeconds = current ? (current.expiration.getTime() - this.now()) / 1000 : -1;
    if (current && remainingSeconds > REFRESH_AHEAD_SECONDS) return current;
    const refresh = this.refresh(entry, key);
    if (current && remainingSeconds > MIN_REMAINING_SECONDS) {
      refresh.catch(() => undefined); // still valid: keep serving; the next request tries again
      return current;
    }
    return refresh;
  }

  private refresh(entry: Entry, key: RoleSessionKey): Promise<AwsCredentialIdentity & { expiration: Date }> {
    entry.pending ??= this.assume(key)
      .then((credentials) => {
        entry.credentials = credentials;
        return credentials;
      })
      .finally(() => {
        entry.pending = undefined;
      });
    return entry.pending;
  }

  private async assume(key: RoleSessionKey): Promise<AwsCredentialIdentity & { expiration: Date }> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { AssumeRoleCommand } = require('@aws-sdk/client-sts') as typeof import('@aws-sdk/client-sts');
    let out;
    try {
      out = await this.sts().send(
        new AssumeRoleCommand({
          RoleArn: key.roleArn,
          RoleSessionName: key.sessionName,
          DurationSeconds: key.durationSeconds,
          ...(key.externalId ? { ExternalId: key.externalId } : {}),
        }),
      );
    } catch (error) {
      throw new AssumeRoleError(error);
    }
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.Expiration) throw new AssumeRoleError(new Error('STS returned no credentials'));
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
      expiration: c.Expiration,
    };
  }

  private evictOverflow(): void {
    while (this.entries.size > MAX_CACHED_SESSIONS) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }
}
