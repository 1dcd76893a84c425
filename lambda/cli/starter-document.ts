import { randomBytes } from 'node:crypto';
import type { ConfigDocumentInput } from '../config/schema';

/** Bytes of a freshly generated signing key. */
export const SIGNING_KEY_BYTES = 32;

/** A fresh base64 signing key for response ids. */
export function newSigningKey(): string {
  return randomBytes(SIGNING_KEY_BYTES).toString('base64');
}

/** The document `init` writes: valid, with a fresh signing key, and nothing else yet. */
export function starterDocument(): ConfigDocumentInput {
  return { version: 1, signingKey: newSigningKey(), admins: [], teams: {}, tokens: [], accounts: [] };
}
