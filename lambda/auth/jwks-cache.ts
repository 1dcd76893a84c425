import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import type { IdentityProviderConfig } from '../config/schema';
import { logger, type Logger } from '../kernel/log';

/** Keys are kept at least this long, whatever the response's max-age says. */
export const MIN_KEYS_TTL_SECONDS = 300;
/** … and at most this long. */
export const MAX_KEYS_TTL_SECONDS = 86_400;
/** A token naming an unknown `kid` refetches the keys at most this often per issuer. */
export const UNKNOWN_KID_REFETCH_SECONDS = 30;
/** Bound on one fetch of a discovery document or a key set. */
export const KEYS_FETCH_TIMEOUT_MS = 3_000;
/** Largest discovery document or key set accepted. */
const MAX_DOCUMENT_BYTES = 512 * 1024;

/** What fetches a URL (`fetch` by default; a test may count or fail calls). */
export type KeyFetcher = (url: string, signal: AbortSignal) => Promise<Response>;

interface IssuerKeys {
  /** The last key set that was fetched and parsed: kept while the issuer is unreachable. */
  keys?: { readonly resolver: JWTVerifyGetKey; readonly kids: ReadonlySet<string> };
  /** Epoch ms after which a refresh is due (the held keys still serve meanwhile). */
  freshUntil: number;
  /** Epoch ms of the last refetch for an unknown `kid`. */
  lastUnknownKidFetch: number;
  pending?: Promise<void>;
}

/**
 * The key sets of the configured identity providers, owned by the gateway (jose's remote key set
 * caches for a fixed time and drops its keys when a refetch fails). Keys come from `jwksUri`, else
 * from the issuer's OpenID discovery document; they are cached for the response's max-age (clamped to
 * 5 minutes – 24 hours), refreshed in the background once stale, refetched when a token names an
 * unknown `kid` (at most once per 30 s per issuer), and the last good set is kept while the issuer is
 * unreachable. Verification itself is local.
 */
export class JwksCache {
  private readonly issuers = new Map<string, IssuerKeys>();

  public constructor(
    private readonly now: () => number = Date.now,
    private readonly fetcher: KeyFetcher = (url, signal) => fetch(url, { signal, redirect: 'error' }),
    private readonly log: Logger = logger,
  ) {}

  /**
   * The key resolver for `provider`, for a token naming `kid`. Resolves undefined when no key was
   * ever obtained from the issuer (the caller answers 503).
   */
  public async resolver(provider: IdentityProviderConfig, kid: string | undefined): Promise<JWTVerifyGetKey | undefined> {
    const id = issuerKey(provider);
    let entry = this.issuers.get(id);
    if (!entry) {
      entry = { freshUntil: 0, lastUnknownKidFetch: -Infinity };
      this.issuers.set(id, entry);
    }
    const now = this.now();
    if (!entry.keys) {
      await this.refresh(provider, entry);
    } else if (kid !== undefined && !entry.keys.kids.has(kid) && now - entry.lastUnknownKidFetch >= UNKNOWN_KID_REFETCH_SECONDS * 1000) {
      // A new key (rotation): fetch once now, and wait for it.
      entry.lastUnknownKidFetch = now;
      await this.refresh(provider, entry);
    } else if (now >= entry.freshUntil) {
      void this.refresh(provider, entry);
    }
    return entry.keys?.resolver;
  }

  private refresh(provider: IdentityProviderConfig, entry: IssuerKeys): Promise<void> {
    entry.pending ??= this.fetchKeys(provider)
      .then(({ jwks, maxAgeSeconds }) => {
        const kids = new Set(jwks.keys.map((k) => k.kid).filter((k): k is string => typeof k === 'string'));
        entry.keys = { resolver: createLocalJWKSet(jwks), kids };
        const ttl = Math.min(MAX_KEYS_TTL_SECONDS, Math.max(MIN_KEYS_TTL_SECONDS, maxAgeSeconds ?? MIN_KEYS_TTL_SECONDS));
        entry.freshUntil = this.now() + ttl * 1000;
      })
      .catch((error: unknown) => {
        // Keep the last good keys; try again after the minimum TTL rather than on every request.
        entry.freshUntil = this.now() + MIN_KEYS_TTL_SECONDS * 1000;
        this.log.log('WARN', 'identity provider keys could not be fetched; keeping the last good set', {
          provider: provider.name,
          error: (error as Error).message,
        });
      })
      .finally(() => {
        entry.pending = undefined;
      });
    return entry.pending;
  }

  private async fetchKeys(provider: IdentityProviderConfig): Promise<{ jwks: JSONWebKeySet; maxAgeSeconds?: number }> {
    let jwksUri = provider.jwksUri;
    if (!jwksUri) {
      const discovery = await this.getJson(`${provider.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
      const uri = (discovery.body as { jwks_uri?: unknown }).jwks_uri;
      if (typeof uri !== 'string' || !allowedKeysUrl(uri)) throw new Error('the discovery document has no usable jwks_uri');
      jwksUri = uri;
    }
    const { body, maxAgeSeconds } = await this.getJson(jwksUri);
    const keys = (body as { keys?: unknown }).keys;
    if (!Array.isArray(keys)) throw new Error('the key set has no "keys" list');
    return { jwks: { keys: keys.filter((k) => k && typeof k === 'object') }, ...(maxAgeSeconds !== undefined ? { maxAgeSeconds } : {}) };
  }

  private async getJson(url: string): Promise<{ body: unknown; maxAgeSeconds?: number }> {
    if (!allowedKeysUrl(url)) throw new Error('keys must be fetched over https://');
    const res = await this.fetcher(url, AbortSignal.timeout(KEYS_FETCH_TIMEOUT_MS));
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const text = await res.text();
    if (text.length > MAX_DOCUMENT_BYTES) throw new Error('document too large');
    const maxAge = /max-age=(\d+)/i.exec(res.headers.get('cache-control') ?? '')?.[1];
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error('not JSON');
    }
    if (!body || typeof body !== 'object') throw new Error('not a JSON object');
    return { body, ...(maxAge !== undefined ? { maxAgeSeconds: Number(maxAge) } : {}) };
  }
}

function issuerKey(provider: IdentityProviderConfig): string {
  return `${provider.issuer.replace(/\/$/, '')}\u0000${provider.jwksUri ?? ''}`;
}

/** https://, or http:// on a loopback address (a local identity provider). */
function allowedKeysUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || (url.protocol === 'http:' && /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(url.hostname));
  } catch {
    return false;
  }
}
