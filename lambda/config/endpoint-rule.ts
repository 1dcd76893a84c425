/**
 * Which URLs may be made an upstream. Only Mantle's own AWS hosts over HTTPS, or a loopback address
 * over HTTP for local development and tests: a configuration can never turn the gateway into a proxy
 * to an arbitrary host.
 */
const AWS_HOST_SUFFIXES = ['.api.aws', '.amazonaws.com'] as const;

/** True for 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host === '::1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Returns why `value` may not be an upstream endpoint, or undefined when it may. */
export function endpointProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL such as https://bedrock-mantle.us-east-1.api.aws';
  }
  if (url.username || url.password) return 'must not contain credentials';
  if (url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) return 'must be a bare origin (no path, query or fragment)';
  const host = url.hostname.toLowerCase();
  if (url.protocol === 'https:' && AWS_HOST_SUFFIXES.some((suffix) => host.endsWith(suffix))) return undefined;
  if (url.protocol === 'http:' && isLoopbackHost(host)) return undefined;
  return 'must be https:// on a host under api.aws or amazonaws.com, or http:// on a loopback address';
}
