import type { AccountConfig } from '../config/schema';

/** Mantle's public host for a region. */
export function mantleOrigin(region: string): string {
  return `https://bedrock-mantle.${region}.api.aws`;
}

/** Where a model's requests go: the account's `endpoint`, else the local simulator (dev), else Mantle. */
export function upstreamOrigin(account: AccountConfig, region: string, simulatorEndpoint: string | undefined): string {
  return (account.endpoint ?? simulatorEndpoint ?? mantleOrigin(region)).replace(/\/$/, '');
}
