import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { SimulatorCredentials } from './credentials';

/**
 * An independent SigV4 verifier (written from the AWS specification, not with the signing library the
 * gateway uses), so a signing bug in the gateway cannot be mirrored by the check.
 */

/** What a verified signature says about the caller. */
export interface VerifiedSignature {
  readonly accessKeyId: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
  readonly sessionToken?: string;
}

/** A refusal with the HTTP status Mantle would use. */
export class SignatureError extends Error {
  public override readonly name = 'SignatureError';
  public constructor(
    public readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data).digest();

function parseAmzDate(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return Number.NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/** Verifies a SigV4-signed request; throws SignatureError when it is not valid for `service`. */
export function verifySigV4(
  request: {
    readonly method: string;
    readonly rawUrl: string;
    readonly headers: Readonly<Record<string, string | string[] | undefined>>;
    readonly body: Buffer;
  },
  credentials: SimulatorCredentials,
  service: string,
  now: number = Date.now(),
): VerifiedSignature {
  const header = String(request.headers['authorization'] ?? '');
  const m = AUTH.exec(header);
  if (!m) throw new SignatureError(403, 'Authorization header is not a valid AWS4-HMAC-SHA256 signature.');
  const [, accessKeyId, date, region, signedService, signedHeaderList, signature] = m as unknown as string[];
  if (signedService !== service) throw new SignatureError(403, `Credential should be scoped to correct service: '${service}'.`);
  const key = credentials.accessKeys.get(accessKeyId!);
  if (!key) throw new SignatureError(403, 'The security token included in the request is invalid.');
  if (key.expiresAt !== undefined && key.expiresAt <= now) throw new SignatureError(403, 'The security token included in the request is expired.');
  const amzDate = String(request.headers['x-amz-date'] ?? '');
  const signedAt = parseAmzDate(amzDate);
  if (!Number.isFinite(signedAt) || Math.abs(now - signedAt) > MAX_CLOCK_SKEW_MS || !amzDate.startsWith(date!)) {
    throw new SignatureError(403, 'Signature expired or x-amz-date is invalid.');
  }
  const signedHeaders = signedHeaderList!.split(';');
  for (const required of ['host', 'x-amz-date']) {
    if (!signedHeaders.includes(required)) throw new SignatureError(403, `'${required}' must be a signed header.`);
  }
  const token = request.headers['x-amz-security-token'];
  if (key.sessionToken !== undefined) {
    if (token !== key.sessionToken || !signedHeaders.includes('x-amz-security-token')) {
      throw new SignatureError(403, 'The security token included in the request is invalid.');
    }
  }
  const bodyHash = sha256Hex(request.body);
  const declared = request.headers['x-amz-content-sha256'];
  if (declared !== undefined && declared !== bodyHash && declared !== 'UNSIGNED-PAYLOAD') {
    throw new SignatureError(400, 'The provided x-amz-content-sha256 header does not match what was computed.');
  }
  const q = request.rawUrl.indexOf('?');
  const path = q === -1 ? request.rawUrl : request.rawUrl.slice(0, q);
  const query = q === -1 ? '' : request.rawUrl.slice(q + 1);
  const canonicalUri = path
    .split('/')
    .map((segment) => rfc3986(segment))
    .join('/');
  const canonicalQuery = [...new URLSearchParams(query)]
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalHeaders = signedHeaders
    .map((name) => {
      const value = request.headers[name];
      const text = Array.isArray(value) ? value.join(',') : (value ?? '');
      return `${name}:${text.trim().replace(/\s+/g, ' ')}\n`;
    })
    .join('');
  const payloadHash = typeof declared === 'string' ? declared : bodyHash;
  const canonicalRequest = [request.method.toUpperCase(), canonicalUri, canonicalQuery, canonicalHeaders, signedHeaderList, payloadHash].join('\n');
  const scope = `${date}/${region}/${signedService}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${key.secretAccessKey}`, date!), region!), signedService!), 'aws4_request');
  const expected = createHmac('sha256', signingKey).update(stringToSign).digest();
  if (!timingSafeEqual(expected, Buffer.from(signature!, 'hex'))) {
    throw new SignatureError(403, 'The request signature we calculated does not match the signature you provided.');
  }
  return { accessKeyId: accessKeyId!, region: region!, service: signedService!, signedHeaders, ...(typeof token === 'string' ? { sessionToken: token } : {}) };
}
