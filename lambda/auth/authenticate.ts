import { timingSafeEqual } from 'node:crypto';
import { AuthenticationError } from '../kernel/errors';
import type { GatewayConfig } from '../config/gateway-config';
import { principalFor, type Principal } from './principal';
import { hashToken, TOKEN_PREFIX } from './tokens';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The token from `Authorization: Bearer` or `x-api-key`, if either carries one. */
export function presentedToken(headers: Readonly<Record<string, string>>): string | undefined {
  const authorization = headers['authorization'];
  if (authorization) return BEARER.exec(authorization)?.[1];
  const apiKey = headers['x-api-key']?.trim();
  return apiKey || undefined;
}

/**
 * Authenticates a request's token against the configuration. Every refusal (missing, unknown,
 * expired, revoked) throws the same AuthenticationError.
 *
 * Tokens are looked up by their SHA-256 hash, so a timing difference in the map look-up reveals
 * nothing an attacker can steer; the final comparison of the stored and computed hashes is
 * constant-time all the same.
 */
export function authenticate(headers: Readonly<Record<string, string>>, config: GatewayConfig, now: number = Date.now()): Principal {
  const token = presentedToken(headers);
  if (!token || !token.startsWith(TOKEN_PREFIX)) throw new AuthenticationError();
  const hash = hashToken(token);
  const record = config.tokensByHash.get(hash);
  if (!record || !timingSafeEqual(Buffer.from(record.hash), Buffer.from(hash))) throw new AuthenticationError();
  if (record.revoked) throw new AuthenticationError();
  if (record.expiresAt && Date.parse(record.expiresAt) <= now) throw new AuthenticationError();
  return principalFor(record.subject, record.id, 'document', config);
}
