import { VersionConflictError, type DocumentStore, type StoredDocument } from '../config/document-store';
import { documentTooLarge } from '../config/document-size';
import type { ConfigDocument } from '../config/schema';
import { ConfigValidationError, parseConfigDocument } from '../config/validate';
import { CliFailure } from './cli-errors';

/** Reads and validates a stored document, turning every failure into a CLI failure that says what to fix. */
export async function readDocument(store: DocumentStore): Promise<{ document: ConfigDocument; stored: StoredDocument }> {
  let stored: StoredDocument;
  try {
    stored = await store.read();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliFailure(
      `Cannot read ${store.description}: ${code === 'ENOENT' ? 'it does not exist (create one with "mantle-gateway init")' : (error as Error).message}`,
    );
  }
  try {
    return { document: parseConfigDocument(stored.text, store.description), stored };
  } catch (error) {
    if (error instanceof ConfigValidationError) throw new CliFailure(error.message);
    throw error;
  }
}

/** Serialises a document the way the CLI writes it. */
export function documentText(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Validates and writes a document on top of the version it was read at. */
export async function writeDocument(store: DocumentStore, document: unknown, baseVersion: string | undefined): Promise<void> {
  const text = documentText(document);
  const tooLarge = documentTooLarge(text);
  if (tooLarge) throw new CliFailure(tooLarge);
  try {
    parseConfigDocument(text, store.description);
  } catch (error) {
    if (error instanceof ConfigValidationError) throw new CliFailure(error.message);
    throw error;
  }
  await store.write(text, baseVersion);
}

/** How often a read-change-write is tried again when another writer got in between. */
const MAX_UPDATE_ATTEMPTS = 5;

/**
 * Reads the document, applies `change` and writes the result on top of the version read; when
 * another writer (a running gateway, another CLI) changed it in between, reads again and re-applies,
 * so no write is lost and none overwrites another.
 */
export async function updateDocument<T>(store: DocumentStore, change: (document: ConfigDocument) => { document: unknown; result: T }): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const { document, stored } = await readDocument(store);
    const { document: next, result } = change(document);
    try {
      await writeDocument(store, next, stored.version);
      return result;
    } catch (error) {
      if (!(error instanceof VersionConflictError) || attempt >= MAX_UPDATE_ATTEMPTS) throw error;
    }
  }
}
