import { createHash } from 'node:crypto';

/** STS limits RoleSessionName to 64 characters of `[\w+=,.@-]`. */
export const MAX_ROLE_SESSION_NAME_LENGTH = 64;
const PREFIX = 'mgw-';
const HASH_CHARS = 10;
const STS_REFUSED = /[^\w+=,.@-]/g;

/**
 * A RoleSessionName that names the calling subject, so the customer's CloudTrail shows who called:
 * `user:alice@example.com` → `mgw-user.alice@example.com` (the kind's `:` always becomes `.`).
 * Characters STS refuses become `-`; whenever that changed the subject, or the name is too long and
 * is cut, it ends with a hash of the whole subject, so `user:a-b`, `user:a:b` and `user:a*b` stay
 * three sessions (three cache entries, three CloudTrail identities).
 */
export function roleSessionName(subject: string): string {
  const named = subject.replace(':', '.');
  const clean = `${PREFIX}${named.replace(STS_REFUSED, '-')}`;
  const changed = clean !== `${PREFIX}${named}`;
  if (!changed && clean.length <= MAX_ROLE_SESSION_NAME_LENGTH) return clean;
  const hash = createHash('sha256').update(subject).digest('hex').slice(0, HASH_CHARS);
  return `${clean.slice(0, MAX_ROLE_SESSION_NAME_LENGTH - HASH_CHARS - 1)}-${hash}`;
}
