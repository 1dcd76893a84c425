import type { AwsCredentialIdentityProvider } from '@smithy/types';

let provider: AwsCredentialIdentityProvider | undefined;

/**
 * The gateway's own AWS credentials from the default provider chain (the Lambda role's, on AWS).
 * Loaded on first use, so cold starts of gateways without `default` accounts never pay for it; the
 * chain's provider memoizes and refreshes credentials before they expire.
 */
export function defaultChainCredentials(): AwsCredentialIdentityProvider {
  if (!provider) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { defaultProvider } = require('@aws-sdk/credential-provider-node') as typeof import('@aws-sdk/credential-provider-node');
    provider = defaultProvider();
  }
  return provider;
}
