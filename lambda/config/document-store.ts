import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { GatewayConfig } from './gateway-config';

/** A configuration document's text and the version (ETag) it had when read. */
export interface StoredDocument {
  readonly text: string;
  readonly version: string;
}

/** Thrown when a write's base version is no longer current. */
export class VersionConflictError extends Error {
  public override readonly name: string = 'VersionConflictError';
  public constructor() {
    super('The configuration changed since it was read; read it again and retry.');
  }
}

/** Where the configuration document is read from: a local file or a Secrets Manager secret. */
export interface ConfigSource {
  /** For messages: "file ./gateway.json", "secret my-secret". Never the content. */
  readonly description: string;
  read(): Promise<StoredDocument>;
}

/** A source that can also be written (the CLI and the admin API). */
export interface DocumentStore extends ConfigSource {
  /** Writes `text` if the stored version is still `baseVersion`; throws VersionConflictError otherwise. */
  write(text: string, baseVersion: string | undefined): Promise<StoredDocument>;
}

/** A lock older than this is taken to be left by a process that died (proper-lockfile refreshes live ones). */
export const FILE_LOCK_STALE_MS = 10_000;
/** How long a writer waits for the lock in all, before it reports a conflict. */
const FILE_LOCK_RETRIES = { retries: 60, minTimeout: 5, maxTimeout: 200, factor: 1.5 } as const;

/**
 * A document in a local file, replaced atomically (write a temporary file, then rename). The version
 * check and the rename are one step across processes too: a write holds a lock directory beside the
 * file (proper-lockfile: `mkdir` is atomic, and a lock whose holder died goes stale), so two `serve`
 * processes, or `serve` and `token create`, cannot both pass the check and lose one write.
 */
export class FileDocumentStore implements DocumentStore {
  public readonly description: string;
  /** Writes in this process are serialised first, so they do not contend for the lock among themselves. */
  private writing: Promise<unknown> = Promise.resolve();

  public constructor(private readonly path: string) {
    this.description = `file ${path}`;
  }

  public async read(): Promise<StoredDocument> {
    const text = await readFile(this.path, 'utf8');
    return { text, version: GatewayConfig.versionOf(text) };
  }

  public write(text: string, baseVersion: string | undefined): Promise<StoredDocument> {
    const next = this.writing.then(() => this.writeNow(text, baseVersion));
    this.writing = next.catch(() => undefined);
    return next;
  }

  private async writeNow(text: string, baseVersion: string | undefined): Promise<StoredDocument> {
    // Loaded on first write: proper-lockfile brings graceful-fs, which patches fs when loaded, and a
    // gateway on a secret (Lambda) never writes a file.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { lock } = require('proper-lockfile') as typeof import('proper-lockfile');
    // realpath: false, so a file that does not exist yet (init, npm run dev) can be locked too.
    const release = await lock(this.path, { realpath: false, lockfilePath: `${this.path}.lock`, stale: FILE_LOCK_STALE_MS, retries: FILE_LOCK_RETRIES });
    try {
      if (baseVersion !== undefined) {
        const current = await this.read().catch(() => undefined);
        if (current && current.version !== baseVersion) throw new VersionConflictError();
      }
      const temporary = `${this.path}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(temporary, text, { mode: 0o600 });
      await rename(temporary, this.path);
      return { text, version: GatewayConfig.versionOf(text) };
    } finally {
      await release();
    }
  }
}
