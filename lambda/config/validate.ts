import { ConfigDocumentSchema, type ConfigDocument } from './schema';

/** Thrown when a configuration document is invalid; `problems` lists each one by JSON path. */
export class ConfigValidationError extends Error {
  public override readonly name: string = 'ConfigValidationError';
  public constructor(
    public readonly problems: readonly string[],
    public readonly origin: string,
  ) {
    super(`Invalid configuration in ${origin}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

function jsonPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : `${acc}.${String(key)}`), '$');
}

/** Parses and validates configuration text; throws ConfigValidationError listing every problem. */
export function parseConfigDocument(text: string, origin: string): ConfigDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigValidationError([`$: not valid JSON (${(error as Error).message})`], origin);
  }
  const result = ConfigDocumentSchema.safeParse(raw);
  if (!result.success) {
    // Messages name the path and the rule, never the offending value: it may be a secret.
    throw new ConfigValidationError(
      result.error.issues.map((issue) => `${jsonPath(issue.path)}: ${issue.message}`),
      origin,
    );
  }
  return result.data;
}
