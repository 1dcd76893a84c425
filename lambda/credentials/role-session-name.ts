import { createHash } from 'node:crypto';

/** STS limits RoleSessionName to 64 characters of `[\w+=,.@-]`. */
export const MAX_ROLE_SESSION_NAME_LENGTH = 64;
const PREFIX = 'mgw-';
const HASH_CHARS = 10;

/**
 * A RoleSessionName that names the calling subject, so the customer's CloudTrail shows who called:
 * `user:alice@example.com` → `mgw-user.alice@example.com`. Characters STS refuses become `-`; a name
 * too long is cut and ends with a hash of the whole subject, so different subjects stay distinct.
 */
export function roleSessionName(subject: string): string {
  const clean = `${PREFIX}${subject.replace(':', '.').replace(/[^\w+=,.@-]/g, '-')}`;
  if (clean.length <= MAX_ROLE_SESSION_NAME_LENGTH) return clean;
  const hash = createHash('sha256').update(subject).digest('hex').slice(0, HASH_CHARS);
  return `${clean.slice(0, MAX_ROLE_SESSION_NAME_LENGTH - HASH_CHARS - 1)}-${hash}`;
}
