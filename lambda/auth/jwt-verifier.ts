import { decodeJwt, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import type { GatewayConfig } from '../config/gateway-config';
import type { IdentityProviderConfig } from '../config/schema';
import { AuthenticationError, ErrorCode, ErrorKind, GatewayError } from '../kernel/errors';
import { SUBJECT_PATTERN } from '../kernel/names';
import type { JwksCache } from './jwks-cache';
import type { Principal } from './principal';

/** The algorithms accepted: `none` and HMAC never (an HMAC "signed" with a public key is a classic forgery). */
export const JWT_ALGORITHMS = ['RS256', 'PS256', 'ES256'] as const;
/** Clock skew tolerated on `exp` and `nbf`. */
export const JWT_CLOCK_SKEW_SECONDS = 60;
/** A JWT longer than this is refused before it is parsed. */
export const MAX_JWT_CHARS = 16_384;

/** A verified JWT is remembered this long at most (within its own `exp`), so a key the issuer withdraws stops within it. */
export const VERIFIED_JWT_CACHE_SECONDS = 300;
/** Verified JWTs one instance remembers. */
const MAX_VERIFIED_JWTS = 10_000;

/** 503: no key was ever obtained from the token's issuer, so no token of it can be checked. */
export class IdentityUnavailableError extends GatewayError {
  public override readonly name: string = 'IdentityUnavailableError';
  public constructor(provider: string) {
    super(
      503,
      ErrorKind.unavailable,
      ErrorCode.identityUnavailable,
      `The identity provider '${provider}' has not published keys the gateway could fetch yet; try again shortly.`,
    );
  }
}

/**
 * Verifies JWTs from the configured identity providers with jose, against keys the JwksCache holds
 * (SPEC section 13): RS256, PS256 or ES256; `iss` exactly the provider's issuer; `aud` (or the
 * provider's `audienceClaim`) containing its audience; `exp` required; `exp`/`nbf` with 60 s of skew.
 * Every failure is the one AuthenticationError; nothing of the token is logged.
 */
export class JwtVerifier {
  /** Verified tokens: a signature check costs ~100 µs (RS256), a look-up here well under 1 µs. */
  private readonly verified = new Map<string, { readonly principal: Principal; readonly until: number; readonly version: string }>();

  public constructor(
    private readonly keys: JwksCache,
    private readonly now: () => number = Date.now,
  ) {}

  public async verify(token: string, config: GatewayConfig): Promise<Principal> {
    if (token.length > MAX_JWT_CHARS) throw new AuthenticationError();
    const now = this.now();
    const hit = this.verified.get(token);
    if (hit && hit.until > now && hit.version === config.version) return hit.principal;
    if (hit) this.verified.delete(token);
    const principal = await this.verifyNow(token, config);
    const exp = (decodeJwt(token).exp ?? 0) * 1000;
    this.verified.set(token, { principal, until: Math.min(exp, now + VERIFIED_JWT_CACHE_SECONDS * 1000), version: config.version });
    if (this.verified.size > MAX_VERIFIED_JWTS) this.verified.delete(this.verified.keys().next().value as string);
    return principal;
  }

  private async verifyNow(token: string, config: GatewayConfig): Promise<Principal> {
    let issuer: unknown;
    let kid: string | undefined;
    try {
      issuer = decodeJwt(token).iss;
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw new AuthenticationError();
    }
    const provider = typeof issuer === 'string' ? config.identityProviders.find((p) => sameIssuer(p.issuer, issuer as string)) : undefined;
    if (!provider) throw new AuthenticationError();
    const resolver = await this.keys.resolver(provider, kid);
    if (!resolver) throw new IdentityUnavailableError(provider.name);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, resolver, {
        issuer: provider.issuer,
        algorithms: [...JWT_ALGORITHMS],
        clockTolerance: JWT_CLOCK_SKEW_SECONDS,
        requiredClaims: ['exp'],
        currentDate: new Date(this.now()),
        ...(provider.audienceClaim ? {} : { audience: provider.audience }),
      }));
    } catch {
      throw new AuthenticationError();
    }
    if (provider.audienceClaim && !claimHolds(payload[provider.audienceClaim], provider.audience)) throw new AuthenticationError();
    return principalOf(payload, provider, config);
  }
}

function sameIssuer(configured: string, presented: string): boolean {
  return configured === presented;
}

function claimHolds(value: unknown, expected: string): boolean {
  return value === expected || (Array.isArray(value) && value.includes(expected));
}

/** The subject and teams a verified token speaks for. */
function principalOf(payload: JWTPayload, provider: IdentityProviderConfig, config: GatewayConfig): Principal {
  const claim = payload[provider.subjectClaim];
  if (typeof claim !== 'string' || claim.trim() === '') throw new AuthenticationError();
  if ('email_verified' in payload && payload.email_verified !== true) throw new AuthenticationError();
  const subject = `user:${claim.trim().toLowerCase()}`;
  if (!SUBJECT_PATTERN.test(subject)) throw new AuthenticationError();
  const teams = new Set(config.teamsOf.get(subject) ?? []);
  if (provider.groupsClaim) {
    const groups = payload[provider.groupsClaim];
    if (groups !== undefined) {
      if (!Array.isArray(groups) || groups.some((g) => typeof g !== 'string')) throw new AuthenticationError();
      for (const group of groups as string[]) {
        const team = provider.teams[group];
        if (team) teams.add(team);
      }
    }
  }
  return { subject, tokenId: `jwt:${provider.name}`, isAdmin: provider.allowAdmins && config.admins.has(subject), teams: [...teams], via: 'jwt' };
}
