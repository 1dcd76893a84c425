/** What one Secrets Manager secret holds: the bound on a configuration document, whatever its store. */
export const MAX_DOCUMENT_BYTES = 65_536;

/** Why `text` cannot be stored (its size against the bound), or undefined when it fits. */
export function documentTooLarge(text: string): string | undefined {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes <= MAX_DOCUMENT_BYTES) return undefined;
  return `The configuration document would be ${bytes} bytes; a document holds at most ${MAX_DOCUMENT_BYTES} bytes (one Secrets Manager secret). Remove unused tokens or models, or keep tokens in the state table.`;
}
