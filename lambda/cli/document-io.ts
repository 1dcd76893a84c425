import type { DocumentStore, StoredDocument } from '../config/document-store';
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
    throw new CliFailure(`Cannot read ${store.description}: ${code === 'ENOENT' ? 'it does not exist (create one with "mantle-gateway init")' : (error as Error).message}`);
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
  try {
    parseConfigDocument(text, store.description);
  } catch (error) {
    if (error instanceof ConfigValidationError) throw new CliFailure(error.message);
    throw error;
  }
  await store.write(text, baseVersion);
}
