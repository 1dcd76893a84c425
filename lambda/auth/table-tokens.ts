import { createHash, randomBytes } from 'node:crypto';
import type { StateTable } from '../aws/state-table';
import { TOKEN_PREFIX, hashToken } from './tokens';

/** Random bytes of a table token (as a document token's). */
const RANDOM_BYTES = 32;
/** base64url of 32 bytes. */
const BODY_CHARS = 43;
const CHECKSUM_CHARS = 8;
/** `mgw_` + 43 + 8: longer than a document token (47), so the two never collide. */
export const TABLE_TOKEN_LENGTH = TOKEN_PREFIX.length + BODY_CHARS + CHECKSUM_CHARS;
const TABLE_TOKEN = new RegExp(`^${TOKEN_PREFIX}[A-Za-z0-9_-]{${BODY_CHARS}}[0-9a-f]{${CHECKSUM_CHARS}}$`);

/** Live tokens one subject may hold in the table. */
export const MAX_TABLE_TOKENS_PER_SUBJECT = 50;
/** Longest lifetime of a table token. */
export const MAX_TABLE_TOKEN_DAYS = 365;
/** How long an unknown hash is remembered as unknown (at most). */
export const UNKNOWN_TOKEN_CACHE_SECONDS = 5;
/** Lookups one instance keeps cached. */
const MAX_CACHED_LOOKUPS = 20_000;

function checksumOf(body: string): string {
  return createHash('sha256').update(`mantle-gateway-table-token:${body}`).digest('hex').slice(0, CHECKSUM_CHARS);
}

/** A fresh table token, its hash and an id: the token is shown once and never stored. */
export function generateTableToken(): { readonly token: string; readonly hash: string; readonly id: string } {
  const body = randomBytes(RANDOM_BYTES).toString('base64url');
  const token = `${TOKEN_PREFIX}${body}${checksumOf(body)}`;
  return { token, hash: hashToken(token), id: `tok_${randomBytes(6).toString('hex')}` };
}

/** True for a string shaped as a table token whose checksum holds (no table read needed to refuse others). */
export function isTableToken(token: string): boolean {
  if (!TABLE_TOKEN.test(token)) return false;
  const body = token.slice(TOKEN_PREFIX.length, TOKEN_PREFIX.length + BODY_CHARS);
  return checksumOf(body) === token.slice(-CHECKSUM_CHARS);
}

/** What the table says of a token (never its material: only its hash is stored). */
export interface TableTokenRecord {
  readonly id: string;
  readonly subject: string;
  readonly name: string;
  readonly createdAt: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
}

const HASH_PK = (hash: string): string => `token#${hash}`;
/** One partition lists every token's metadata (writes are rare: create and revoke). */
const LIST_PK = 'tokens';
const listSk = (subject: string, id: string): string => `${subject}#${id}`;

/**
 * Gateway tokens in the state table (SPEC section 13): one item by hash (the lookup) and one in the
 * listing partition (by subject). Lookups are cached per instance for GATEWAY_TOKEN_CACHE_SECONDS,
 * unknown hashes for at most 5 s, so a revocation takes effect within the TTL.
 */
export class TableTokens {
  private readonly cache = new Map<string, { readonly record: TableTokenRecord | undefined; readonly until: number }>();

  public constructor(
    private readonly table: StateTable,
    private readonly cacheSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The live token with this hash, or undefined. A cached answer needs no table call; an uncached
   * lookup while the table is unreachable throws TableUnavailableError (the caller answers 503).
   */
  public async lookup(hash: string): Promise<TableTokenRecord | undefined> {
    const now = this.now();
    const cached = this.cache.get(hash);
    if (cached && cached.until > now) return cached.record && cached.record.expiresAt * 1000 > now ? cached.record : undefined;
    const item = await this.table.get(HASH_PK(hash), '-', now / 1000);
    const record = item ? recordOf(item) : undefined;
    const ttl = record ? this.cacheSeconds : Math.min(this.cacheSeconds, UNKNOWN_TOKEN_CACHE_SECONDS);
    this.remember(hash, record, now + ttl * 1000);
    return record;
  }

  /** Stores a new token for `subject`; throws TooManyTokens when the subject holds 50 live ones. */
  public async create(subject: string, name: string, lifetimeMs: number): Promise<{ token: string; record: TableTokenRecord }> {
    const live = await this.list(subject);
    if (live.length >= MAX_TABLE_TOKENS_PER_SUBJECT) throw new TooManyTokensError(subject);
    const made = generateTableToken();
    const now = this.now();
    const record: TableTokenRecord = { id: made.id, subject, name, createdAt: new Date(now).toISOString(), expiresAt: Math.floor((now + lifetimeMs) / 1000) };
    await this.table.put({ pk: HASH_PK(made.hash), sk: '-', ...record }, true);
    await this.table.put({ pk: LIST_PK, sk: listSk(subject, made.id), hash: made.hash, ...record });
    return { token: made.token, record };
  }

  /** Live tokens, of one subject or all, without material. */
  public async list(subject?: string): Promise<TableTokenRecord[]> {
    const items = await this.table.query(LIST_PK, this.now() / 1000, subject === undefined ? undefined : `${subject}#`);
    return items.map(recordOf);
  }

  /** Revokes one token by id (of `subject` when given); false when there is none. */
  public async revoke(id: string, subject?: string): Promise<boolean> {
    const candidates = await this.table.query(LIST_PK, this.now() / 1000, subject === undefined ? undefined : `${subject}#`);
    const item = candidates.find((i) => i.id === id);
    if (!item) return false;
    await this.table.delete(HASH_PK(String(item.hash)), '-');
    await this.table.delete(LIST_PK, String(item.sk));
    this.cache.delete(String(item.hash));
    return true;
  }

  /** Revokes every token of a subject; resolves with how many. */
  public async revokeAll(subject: string): Promise<number> {
    const items = await this.table.query(LIST_PK, this.now() / 1000, `${subject}#`);
    for (const item of items) {
      await this.table.delete(HASH_PK(String(item.hash)), '-');
      await this.table.delete(LIST_PK, String(item.sk));
      this.cache.delete(String(item.hash));
    }
    return items.length;
  }

  private remember(hash: string, record: TableTokenRecord | undefined, until: number): void {
    this.cache.delete(hash);
    this.cache.set(hash, { record, until });
    if (this.cache.size > MAX_CACHED_LOOKUPS) this.cache.delete(this.cache.keys().next().value as string);
  }
}

function recordOf(item: Readonly<Record<string, string | number>>): TableTokenRecord {
  return {
    id: String(item.id),
    subject: String(item.subject),
    name: String(item.name ?? ''),
    createdAt: String(item.createdAt),
    expiresAt: Number(item.expiresAt),
  };
}

/** 409: the subject already holds the most live tokens it may. */
export class TooManyTokensError extends Error {
  public override readonly name: string = 'TooManyTokensError';
  public constructor(public readonly subject: string) {
    super(`${subject} already holds ${MAX_TABLE_TOKENS_PER_SUBJECT} live tokens; revoke one first.`);
  }
}
