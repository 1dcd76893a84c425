import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { OutgoingRequest, UpstreamAuth } from './upstream-auth';

/** The SigV4 service name of Mantle (not `bedrock`). */
export const MANTLE_SIGNING_SERVICE = 'bedrock-mantle';

const sha256 = Hash.bind(null, 'sha256');

/**
 * SigV4 for Mantle: service `bedrock-mantle`, the request's region, the exact body bytes, and the
 * session token when the credentials have one. One signer per region, so signing keys are reused.
 */
export class SigV4Auth implements UpstreamAuth {
  private readonly signers = new Map<string, SignatureV4>();

  public constructor(private readonly credentials: AwsCredentialIdentityProvider | AwsCredentialIdentity) {}

  public async authorize(request: OutgoingRequest): Promise<Record<string, string>> {
    const signingRegion = request.region;
    let signer = this.signers.get(signingRegion);
    if (!signer) {
      signer = new SignatureV4({
        service: MANTLE_SIGNING_SERVICE,
        region: signingRegion,
        credentials: this.credentials,
        sha256,
        uriEscapePath: true,
        applyChecksum: true,
      });
      this.signers.set(signingRegion, signer);
    }
    const { url } = request;
    // Repeated keys (`include[]=a&include[]=b`) are all sent, so all are signed.
    const query: Record<string, string | string[]> = {};
    url.searchParams.forEach((value, key) => {
      const seen = query[key];
      query[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
    });
    const signed = await signer.sign({
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query,
      headers: { ...request.headers, host: url.host },
      body: request.body,
    });
    return signed.headers;
  }
}
