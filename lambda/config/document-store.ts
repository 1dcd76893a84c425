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

/** A document in a local file, replaced atomically (write a temporary file, then rename). */
export class FileDocumentStore implements DocumentStore {
  public readonly description: string;
  /** Writes in this process are serialised, so the version check and the rename are one step. */
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
    if (baseVersion !== undefined) {
      const current = await this.read().catch(() => undefined);
      if (current && current.version !== baseVersion) throw new VersionConflictError();
    }
    const temporary = `${this.path}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(temporary, text, { mode: 0o600 });
    await rename(temporary, this.path);
    return { text, version: GatewayConfig.versionOf(text) };
  }
}
