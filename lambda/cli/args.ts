import { parseArgs, type ParseArgsConfig } from 'node:util';
import { FileDocumentStore, type DocumentStore } from '../config/document-store';
import { SecretConfigSource } from '../config/secret-source';
import { UsageError } from './cli-errors';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses a verb's flags strictly: an unknown flag or a missing value is misuse (exit 2). */
export function parseFlags<O extends Options>(args: readonly string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: [...args], options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, '.'));
  }
}

/** The flags that name a configuration store. */
export const STORE_FLAGS = {
  config: { type: 'string' },
  'secret-id': { type: 'string' },
} as const;

/** The store named by exactly one of `--config FILE` and `--secret-id ID`. */
export function storeFrom(values: { config?: string | boolean | undefined; 'secret-id'?: string | boolean | undefined }): DocumentStore {
  const file = typeof values.config === 'string' ? values.config : undefined;
  const secret = typeof values['secret-id'] === 'string' ? values['secret-id'] : undefined;
  if (file && secret) throw new UsageError('Give only one of --config FILE and --secret-id ID.');
  if (file) return new FileDocumentStore(file);
  if (secret) return new SecretConfigSource(secret);
  throw new UsageError('Missing --config FILE or --secret-id ID.');
}
