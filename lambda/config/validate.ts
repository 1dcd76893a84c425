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

/**
 * Where JSON.parse failed, as " at line L, column C", never V8's own message: it quotes the text
 * around the error, which may be part of a key or a token.
 */
function jsonErrorPosition(text: string, error: unknown): string {
  const message = (error as Error)?.message ?? '';
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  if (lineColumn) return ` at line ${lineColumn[1]}, column ${lineColumn[2]}`;
  const position = /position (\d+)/.exec(message);
  if (position) {
    const before = text.slice(0, Number(position[1]));
    const line = before.split('\n').length;
    return ` at line ${line}, column ${before.length - before.lastIndexOf('\n')}`;
  }
  if (/Unexpected end of JSON input/.test(message)) return ' (it ends too early)';
  return ' (an unexpected character)';
}

/** Parses and validates configuration text; throws ConfigValidationError listing every problem. */
export function parseConfigDocument(text: string, origin: string): ConfigDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigValidationError([`$: not valid JSON${jsonErrorPosition(text, error)}`], origin);
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

/**
 * Problems of a valid document that depend on where it runs: limits need the state table. Throws
 * ConfigValidationError naming the fix.
 */
export function checkDeployment(document: ConfigDocument, origin: string, tableName: string | undefined): void {
  if (document.limits.length > 0 && !tableName) {
    throw new ConfigValidationError(
      ['$.limits: limits need the state table; set GATEWAY_TABLE_NAME (mantle-gateway table create --table NAME makes one; validate takes --table NAME)'],
      origin,
    );
  }
}
