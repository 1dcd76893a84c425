import type { Principal } from '../auth/principal';
import type { AccountConfig, AuthConfig } from '../config/schema';
import { BearerAuth } from './bearer-auth';
import { defaultChainCredentials } from './default-chain';
import { SigV4Auth } from './sigv4-auth';
import type { UpstreamAuth } from './upstream-auth';

/** Builds (and reuses) the upstream authentication for each account. */
export interface CredentialResolver {
  forAccount(account: AccountConfig, principal: Principal): UpstreamAuth;
}

/** Per-subject authentication (assume-role) is provided by a separate strategy. */
export type AssumeRoleStrategy = (auth: Extract<AuthConfig, { type: 'assume-role' }>, principal: Principal) => UpstreamAuth;

/**
 * Static strategies are cached per auth object: a configuration reload brings new objects, so
 * changed keys take effect, and old entries are garbage-collected with the old document.
 */
export class AccountCredentialResolver implements CredentialResolver {
  private readonly cache = new WeakMap<AuthConfig, UpstreamAuth>();

  public constructor(private readonly assumeRole: AssumeRoleStrategy) {}

  public forAccount(account: AccountConfig, principal: Principal): UpstreamAuth {
    const auth = account.auth;
    if (auth.type === 'assume-role') return this.assumeRole(auth, principal);
    let upstream = this.cache.get(auth);
    if (!upstream) {
      upstream = AccountCredentialResolver.create(auth);
      this.cache.set(auth, upstream);
    }
    return upstream;
  }

  private static create(auth: Exclude<AuthConfig, { type: 'assume-role' }>): UpstreamAuth {
    switch (auth.type) {
      case 'api-key':
        return new BearerAuth(auth.apiKey);
      case 'access-key':
        return new SigV4Auth({
          accessKeyId: auth.accessKeyId,
          secretAccessKey: auth.secretAccessKey,
          ...(auth.sessionToken ? { sessionToken: auth.sessionToken } : {}),
        });
      case 'default':
        return new SigV4Auth(defaultChainCredentials());
    }
  }
}
