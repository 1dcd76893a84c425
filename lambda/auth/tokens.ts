import { createHash, randomBytes } from 'node:crypto';

/** Every gateway token starts with this, so secret scanners can recognise a leaked one. */
export const TOKEN_PREFIX = 'mgw_';
const TOKEN_RANDOM_BYTES = 32;
const TOKEN_ID_RANDOM_BYTES = 6;

/** The stored form of a token: `sha256:` and the hex digest of the whole token string. */
export function hashToken(token: string): string {
  return `sha256:${createHash('sha256').update(token).digest('hex')}`;
}

/** A fresh token, its hash and an id. The token itself is shown once and never stored. */
export function generateToken(): { readonly token: string; readonly hash: string; readonly id: string } {
  const token = `${TOKEN_PREFIX}${randomBytes(TOKEN_RANDOM_BYTES).toString('base64url')}`;
  return { token, hash: hashToken(token), id: `tok_${randomBytes(TOKEN_ID_RANDOM_BYTES).toString('hex')}` };
}
