import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { OpenAIPrefix } from '../kernel/openai-prefix';

/**
 * Response ids the gateway hands out. Mantle stores responses per region, and the gateway keeps no
 * database, so the id itself carries where the response lives (account, region, path prefix), who
 * created it (a hash of the subject) and Mantle's own id, authenticated with the configuration's
 * `signingKey` (HMAC-SHA256, 128-bit tag). A forged or altered id fails the tag check.
 */

/** What a gateway response id says. */
export interface StoredResponseRef {
  readonly account: string;
  readonly region: string;
  readonly prefix: OpenAIPrefix;
  /** Mantle's id of the response. */
  readonly upstreamId: string;
  /** First bytes of SHA-256 of the creating subject. */
  readonly subjectHash: Buffer;
}

const ID_PREFIX = 'resp_mgw1';
const FORMAT_VERSION = 1;
const TAG_BYTES = 16;
const SUBJECT_HASH_BYTES = 8;
const FLAG_OPENAI_V1 = 1;

/** The short hash of a subject that ids carry. */
export function subjectHash(subject: string): Buffer {
  return createHash('sha256').update(subject).digest().subarray(0, SUBJECT_HASH_BYTES);
}

function tag(key: Buffer, payload: Buffer): Buffer {
  return createHmac('sha256', key).update(payload).digest().subarray(0, TAG_BYTES);
}

function lengthPrefixed(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > 0xffff) throw new Error('response id component too long');
  const out = Buffer.alloc(2 + bytes.length);
  out.writeUInt16BE(bytes.length, 0);
  bytes.copy(out, 2);
  return out;
}

/** Wraps Mantle's response id into a gateway id. */
export function encodeResponseId(key: Buffer, ref: Omit<StoredResponseRef, 'subjectHash'> & { readonly subject: string }): string {
  const payload = Buffer.concat([
    Buffer.from([FORMAT_VERSION, ref.prefix === OpenAIPrefix.openaiV1 ? FLAG_OPENAI_V1 : 0]),
    lengthPrefixed(ref.account),
    lengthPrefixed(ref.region),
    subjectHash(ref.subject),
    lengthPrefixed(ref.upstreamId),
  ]);
  return `${ID_PREFIX}${Buffer.concat([payload, tag(key, payload)]).toString('base64url')}`;
}

/** Reads and authenticates a gateway response id; undefined when it is not one of ours or was altered. */
export function decodeResponseId(key: Buffer, id: string): StoredResponseRef | undefined {
  if (!id.startsWith(ID_PREFIX)) return undefined;
  const encoded = id.slice(ID_PREFIX.length);
  const raw = Buffer.from(encoded, 'base64url');
  // Node's decoder skips padding, stray characters and mixes of the two alphabets: only the one
  // canonical spelling of an id is that id.
  if (raw.length < 2 + TAG_BYTES || raw.toString('base64url') !== encoded) return undefined;
  const payload = raw.subarray(0, raw.length - TAG_BYTES);
  const given = raw.subarray(raw.length - TAG_BYTES);
  if (!timingSafeEqual(given, tag(key, payload))) return undefined;
  try {
    if (payload[0] !== FORMAT_VERSION) return undefined;
    const flags = payload[1]!;
    let at = 2;
    const read = (): string => {
      const length = payload.readUInt16BE(at);
      const text = payload.toString('utf8', at + 2, at + 2 + length);
      at += 2 + length;
      return text;
    };
    const account = read();
    const region = read();
    const hash = payload.subarray(at, at + SUBJECT_HASH_BYTES);
    at += SUBJECT_HASH_BYTES;
    const upstreamId = read();
    if (at !== payload.length) return undefined;
    return { account, region, prefix: flags & FLAG_OPENAI_V1 ? OpenAIPrefix.openaiV1 : OpenAIPrefix.v1, upstreamId, subjectHash: Buffer.from(hash) };
  } catch {
    return undefined;
  }
}
