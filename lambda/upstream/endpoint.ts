import type { ResolvedModel } from '../config/gateway-config';

/** Mantle's public host for a region. */
export function mantleOrigin(region: string): string {
  return `https://bedrock-mantle.${region}.api.aws`;
}

/** Where a model's requests go: the account's `endpoint`, else the local simulator (dev), else Mantle. */
export function upstreamOrigin(model: ResolvedModel, simulatorEndpoint: string | undefined): string {
  return (model.account.endpoint ?? simulatorEndpoint ?? mantleOrigin(model.region)).replace(/\/$/, '');
}
