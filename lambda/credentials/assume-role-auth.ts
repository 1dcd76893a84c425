import type { Principal } from '../auth/principal';
import type { AuthConfig } from '../config/schema';
import type { AssumeRoleStrategy } from './credential-resolver';
import { AssumedRoleCredentials } from './assumed-role-credentials';
import { roleSessionName } from './role-session-name';
import { SigV4Auth } from './sigv4-auth';
import type { UpstreamAuth } from './upstream-auth';

type AssumeRoleAuth = Extract<AuthConfig, { type: 'assume-role' }>;

/**
 * SigV4 with credentials assumed per subject: one signer per role, external id and subject, each
 * pulling its credentials from the shared cache on every signature (the cache decides freshness).
 */
export function assumeRoleStrategy(cache: AssumedRoleCredentials = new AssumedRoleCredentials()): AssumeRoleStrategy {
  const signers = new Map<string, UpstreamAuth>();
  return (auth: AssumeRoleAuth, principal: Principal) => {
    const key = {
      roleArn: auth.roleArn,
      externalId: auth.externalId,
      sessionName: roleSessionName(principal.subject),
      durationSeconds: auth.sessionDurationSeconds,
    };
    const id = AssumedRoleCredentials.keyOf(key);
    let signer = signers.get(id);
    if (!signer) {
      signer = new SigV4Auth(() => cache.get(key));
      signers.set(id, signer);
      // Bounded like the cache: drop the oldest signer beyond the limit.
      if (signers.size > 2000) signers.delete(signers.keys().next().value as string);
    }
    return signer;
  };
}
