import { generateToken } from '../../auth/tokens';
import { DEFAULT_TOKEN_LIFETIME_DAYS, LifetimeError, parseLifetime } from '../../auth/lifetime';
import { SUBJECT_PATTERN } from '../../kernel/names';
import { MAX_TABLE_TOKEN_DAYS, TableTokens, TooManyTokensError } from '../../auth/table-tokens';
import { StateTable } from '../../aws/state-table';
import { parseFlags, STORE_FLAGS, storeFrom } from '../args';
import { CliFailure, UsageError } from '../cli-errors';
import { readDocument, updateDocument } from '../document-io';
import { table, type CliOutput } from '../output';
import type { Command } from './command';

/** Parses `--expires-in`; misuse (exit 2) when it is not a lifetime. */
export function parseExpiresIn(value: string): number | null {
  try {
    return parseLifetime(value);
  } catch (error) {
    if (error instanceof LifetimeError) throw new UsageError(`--expires-in ${error.message}.`);
    throw error;
  }
}

const HELP = `Usage:
  mantle-gateway token create --subject S [--name N] [--expires-in 90d] (--config FILE | --secret-id ID | --table NAME)
  mantle-gateway token list [--json] [--subject S] (--config FILE | --secret-id ID | --table NAME)
  mantle-gateway token revoke ID (--config FILE | --secret-id ID | --table NAME)

create  mints a token for a subject (user:<id> or service:<id>); it is printed once, on the last
        line of stdout, and only its hash is stored. --expires-in takes 30m, 12h, 90d, 2w or never.
list    shows ids, subjects, names, dates and status; never token material.
revoke  marks a token revoked; gateways refuse it within the configuration TTL.

With --table NAME the tokens live in the state table instead of the document (no document needed,
the AWS credentials of this shell; at most 365 days, 50 live per subject); gateways refuse a revoked
one within GATEWAY_TOKEN_CACHE_SECONDS.`;

const TABLE_FLAG = { table: { type: 'string' } } as const;
const DAY_MS = 86_400_000;

/** The table tokens of `--table NAME`. */
function tableTokens(name: string): TableTokens {
  return new TableTokens(new StateTable(name, CLI_TABLE_TIMEOUT_MS), 0);
}
const CLI_TABLE_TIMEOUT_MS = 10_000;

/** Runs a table operation, failing (exit 1) with what went wrong. */
async function onTable<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw new CliFailure(error instanceof TooManyTokensError ? error.message : `the state table failed: ${(error as Error).name}: ${(error as Error).message}`);
  }
}

async function create(args: readonly string[], output: CliOutput): Promise<number> {
  const { values } = parseFlags(args, {
    ...STORE_FLAGS,
    ...TABLE_FLAG,
    subject: { type: 'string' },
    name: { type: 'string' },
    'expires-in': { type: 'string' },
  });
  if (values.help) return (output.out(HELP), 0);
  if (!values.subject) throw new UsageError('Missing --subject (user:<id> or service:<id>).');
  if (!SUBJECT_PATTERN.test(values.subject)) throw new UsageError(`--subject must be user:<id> or service:<id> (got "${values.subject}").`);
  const lifetime = parseExpiresIn(values['expires-in'] ?? `${DEFAULT_TOKEN_LIFETIME_DAYS}d`);
  if (values.table) {
    if (values.config || values['secret-id']) throw new UsageError('Give only one of --config, --secret-id and --table.');
    if (lifetime === null || lifetime > MAX_TABLE_TOKEN_DAYS * DAY_MS)
      throw new UsageError(`--expires-in may be at most ${MAX_TABLE_TOKEN_DAYS}d for table tokens.`);
    const subject = values.subject;
    const { token, record } = await onTable(() => tableTokens(values.table!).create(subject, values.name ?? '', lifetime));
    output.out(`Created token ${record.id} for ${subject} in table ${values.table}, expires ${new Date(record.expiresAt * 1000).toISOString()}.`);
    output.out('Store it now: it is shown only once.');
    output.out(token);
    return 0;
  }
  const store = storeFrom(values);
  const made = generateToken();
  const now = new Date();
  const record = {
    id: made.id,
    hash: made.hash,
    subject: values.subject,
    ...(values.name ? { name: values.name } : {}),
    createdAt: now.toISOString(),
    expiresAt: lifetime === null ? null : new Date(now.getTime() + lifetime).toISOString(),
    revoked: false,
  };
  await updateDocument(store, (document) => ({ document: { ...document, tokens: [...document.tokens, record] }, result: undefined }));
  output.out(`Created token ${made.id} for ${values.subject}${record.expiresAt ? `, expires ${record.expiresAt}` : ', never expires'}.`);
  output.out('Store it now: it is shown only once.');
  output.out(made.token);
  return 0;
}

async function list(args: readonly string[], output: CliOutput): Promise<number> {
  const { values } = parseFlags(args, { ...STORE_FLAGS, ...TABLE_FLAG, json: { type: 'boolean' }, subject: { type: 'string' } });
  if (values.help) return (output.out(HELP), 0);
  const now = Date.now();
  const rows = values.table ? await tableRows(values.table, values.subject) : await documentRows(values, values.subject, now);
  if (values.json) {
    output.out(JSON.stringify(rows, null, 2));
    return 0;
  }
  if (rows.length === 0) {
    output.out('No tokens.');
    return 0;
  }
  output.out(
    table(
      ['ID', 'SUBJECT', 'NAME', 'CREATED', 'EXPIRES', 'STATUS'],
      rows.map((r) => [r.id, r.subject, r.name, r.createdAt, r.expiresAt ?? 'never', r.status]),
    ),
  );
  return 0;
}

interface TokenRow {
  readonly id: string;
  readonly subject: string;
  readonly name: string;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly status: string;
}

async function tableRows(name: string, subject: string | undefined): Promise<TokenRow[]> {
  const records = await onTable(() => tableTokens(name).list(subject));
  return records.map((r) => ({
    id: r.id,
    subject: r.subject,
    name: r.name,
    createdAt: r.createdAt,
    expiresAt: new Date(r.expiresAt * 1000).toISOString(),
    status: 'active',
  }));
}

async function documentRows(
  values: { config?: string | undefined; 'secret-id'?: string | undefined },
  subject: string | undefined,
  now: number,
): Promise<TokenRow[]> {
  const { document } = await readDocument(storeFrom(values));
  return document.tokens
    .filter((t) => subject === undefined || t.subject === subject)
    .map((t) => ({
      id: t.id,
      subject: t.subject,
      name: t.name ?? '',
      createdAt: t.createdAt,
      expiresAt: t.expiresAt ?? null,
      status: t.revoked ? 'revoked' : t.expiresAt && Date.parse(t.expiresAt) <= now ? 'expired' : 'active',
    }));
}

async function revoke(args: readonly string[], output: CliOutput): Promise<number> {
  const { values, positionals } = parseFlags(args, { ...STORE_FLAGS, ...TABLE_FLAG }, true);
  if (values.help) return (output.out(HELP), 0);
  if (positionals.length !== 1) throw new UsageError('Usage: mantle-gateway token revoke ID (--config FILE | --secret-id ID | --table NAME)');
  const id = positionals[0]!;
  if (values.table) {
    if (!(await onTable(() => tableTokens(values.table!).revoke(id)))) throw new CliFailure(`No token with id ${id} in table ${values.table}.`);
    output.out(`Revoked token ${id}.`);
    return 0;
  }
  const store = storeFrom(values);
  await updateDocument(store, (document) => {
    if (!document.tokens.some((t) => t.id === id)) throw new CliFailure(`No token with id ${id} in ${store.description}.`);
    return { document: { ...document, tokens: document.tokens.map((t) => (t.id === id ? { ...t, revoked: true } : t)) }, result: undefined };
  });
  output.out(`Revoked token ${id}.`);
  return 0;
}

export const tokenCommand: Command = {
  name: 'token',
  summary: 'create, list and revoke gateway tokens',
  help: HELP,
  async run(args, output) {
    const [sub, ...rest] = args;
    if (sub === 'create') return create(rest, output);
    if (sub === 'list') return list(rest, output);
    if (sub === 'revoke') return revoke(rest, output);
    if (sub === undefined || sub === '--help' || sub === '-h') return (output.out(HELP), sub === undefined ? 2 : 0);
    throw new UsageError(`Unknown token command "${sub}"; use create, list or revoke.`);
  },
};
