/**
 * Which URLs may be made an upstream: Mantle's own hosts over HTTPS in the account's (or a model's)
 * region (public, FIPS, or an interface VPC endpoint of Mantle), or a loopback address over HTTP for
 * local development and tests. Any other host under api.aws or amazonaws.com may belong to a
 * customer (an API Gateway, an S3 bucket, another PrivateLink service) and would receive the
 * account's Bedrock key and every prompt, so none is accepted.
 */
const MANTLE_HOST = /^bedrock-mantle(?:-fips)?\.([a-z0-9-]+)\.api\.aws$/;
const MANTLE_VPCE_HOST = /^vpce-[a-z0-9]+(?:-[a-z0-9-]+)?\.bedrock-mantle(?:-fips)?\.([a-z0-9-]+)\.vpce\.amazonaws\.com$/;
const RULE =
  'must be https://bedrock-mantle[-fips].<region>.api.aws, https://vpce-<id>[-<az>].bedrock-mantle[-fips].<region>.vpce.amazonaws.com, or http:// on a loopback address';

/** True for 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host === '::1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Returns why `value` may not be an upstream endpoint, or undefined when it may. `regions` are the
 * regions the endpoint may serve (the account's and its models'); without them any region passes.
 */
export function endpointProblem(value: string, regions?: readonly string[]): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL such as https://bedrock-mantle.us-east-1.api.aws';
  }
  if (url.username || url.password) return 'must not contain credentials';
  if (url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) return 'must be a bare origin (no path, query or fragment)';
  const host = url.hostname.toLowerCase();
  if (url.protocol === 'http:' && isLoopbackHost(host)) return undefined;
  if (url.protocol !== 'https:' || url.port !== '') return RULE;
  const region = (MANTLE_HOST.exec(host) ?? MANTLE_VPCE_HOST.exec(host))?.[1];
  if (region === undefined) return RULE;
  if (regions && !regions.includes(region)) return `names region "${region}", but the account's models are in ${[...new Set(regions)].join(', ')}`;
  return undefined;
}
