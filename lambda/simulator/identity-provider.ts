import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { closeServer, listen } from '../runtime/listen';

/** The audience the local identity provider's tokens carry unless told otherwise. */
export const LOCAL_IDP_AUDIENCE = 'mantle-gateway';

interface SigningKey {
  readonly kid: string;
  readonly alg: 'RS256' | 'ES256' | 'PS256';
  readonly privateKey: CryptoKey;
  readonly jwk: JWK;
}

/**
 * A local OpenID provider on loopback for `npm run dev` and the tests: an OIDC discovery document,
 * a JWKS, and tokens really signed with its keys (RS256, PS256 or ES256). It can rotate keys, go
 * down, or serve a broken key set, so the gateway's key handling is exercised over the wire.
 */
export class LocalIdentityProvider {
  public issuer = '';
  /** Requests per path. */
  public readonly calls = new Map<string, number>();
  /** While set, every request answers this status. */
  public downStatus: number | undefined;
  /** While set, the key set's body is this text instead of the keys. */
  public brokenKeySet: string | undefined;
  /** `Cache-Control: max-age` of the key set. */
  public maxAgeSeconds = 600;
  private readonly keys: SigningKey[] = [];
  private server: Server | undefined;

  /** Starts with one RS256 key; resolves with the issuer URL. */
  public async start(port = 0): Promise<string> {
    await this.addKey('RS256');
    this.server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0]!;
      this.calls.set(path, (this.calls.get(path) ?? 0) + 1);
      if (this.downStatus) return void res.writeHead(this.downStatus).end();
      if (path === '/.well-known/openid-configuration') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(
          JSON.stringify({ issuer: this.issuer, jwks_uri: `${this.issuer}/jwks.json`, id_token_signing_alg_values_supported: ['RS256', 'PS256', 'ES256'] }),
        );
      }
      if (path === '/jwks.json') {
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': `public, max-age=${this.maxAgeSeconds}` });
        return void res.end(this.brokenKeySet ?? JSON.stringify({ keys: this.keys.map((k) => k.jwk) }));
      }
      res.writeHead(404).end();
    });
    this.issuer = await listen(this.server, port, '127.0.0.1');
    return this.issuer;
  }

  /** Publishes a new key (key rotation); resolves with its `kid`. */
  public async addKey(alg: SigningKey['alg'] = 'RS256'): Promise<string> {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    const kid = `key-${randomBytes(4).toString('hex')}`;
    const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
    this.keys.push({ kid, alg, privateKey: privateKey as CryptoKey, jwk });
    return kid;
  }

  /** Signs a token with the newest key (or `kid`'s); `exp` one hour ahead unless the claims say. */
  public async sign(
    claims: JWTPayload & Record<string, unknown>,
    options: { readonly kid?: string; readonly header?: Record<string, unknown> } = {},
  ): Promise<string> {
    const key = options.kid ? this.keys.find((k) => k.kid === options.kid)! : this.keys.at(-1)!;
    const now = Math.floor(Date.now() / 1000);
    const payload = { iss: this.issuer, aud: LOCAL_IDP_AUDIENCE, iat: now, exp: now + 3600, ...claims };
    return new SignJWT(payload).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...options.header }).sign(key.privateKey);
  }

  /** The public key of `kid` as a JWK (to forge HS256 tokens with it, in tests). */
  public publicJwk(kid?: string): JWK {
    return (kid ? this.keys.find((k) => k.kid === kid)! : this.keys.at(-1)!).jwk;
  }

  public async close(): Promise<void> {
    if (this.server) await closeServer(this.server);
  }
}
