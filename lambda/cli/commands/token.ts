import { generateToken } from '../../auth/tokens';
import { SUBJECT_PATTERN } from '../../kernel/names';
import { parseFlags, STORE_FLAGS, storeFrom } from '../args';
import { CliFailure, UsageError } from '../cli-errors';
import { readDocument, updateDocument } from '../document-io';
import { table, type CliOutput } from '../output';
import type { Command } from './command';

/** `token create` default lifetime. */
export const DEFAULT_TOKEN_LIFETIME_DAYS = 90;
const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Parses `--expires-in` (`90d`, `12h`, `30m`, `2w` or `never`); null means never. */
export function parseLifetime(value: string): number | null {
  if (value === 'never') return null;
  const m = /^(\d{1,6})([mhdw])$/.exec(value);
  if (!m || Number(m[1]) === 0) throw new UsageError(`--expires-in must look like 90d, 12h, 30m, 2w or never (got "${value}").`);
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

const HELP = `Usage:
  mantle-gateway token create --subject S [--name N] [--expires-in 90d] (--config FILE | --secret-id ID)
  mantle-gateway token list [--json] (--config FILE | --secret-id ID)
  mantle-gateway token revoke ID (--config FILE | --secret-id ID)

create  mints a token for a subject (user:<id> or service:<id>); it is printed once, on the last
        line of stdout, and only its hash is stored. --expires-in takes 30m, 12h, 90d, 2w or never.
list    shows ids, subjects, names, dates and status; never token material.
revoke  marks a token revoked; gateways refuse it within the configuration TTL.`;

async function create(args: readonly string[], output: CliOutput): Promise<number> {
  const { values } = parseFlags(args, { ...STORE_FLAGS, subject: { type: 'string' }, name: { type: 'string' }, 'expires-in': { type: 'string' } });
  if (values.help) return (output.out(HELP), 0);
  if (!values.subject) throw new UsageError('Missing --subject (user:<id> or service:<id>).');
  if (!SUBJECT_PATTERN.test(values.subject)) throw new UsageError(`--subject must be user:<id> or service:<id> (got "${values.subject}").`);
  const lifetime = parseLifetime(values['expires-in'] ?? `${DEFAULT_TOKEN_LIFETIME_DAYS}d`);
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
  const { values } = parseFlags(args, { ...STORE_FLAGS, json: { type: 'boolean' } });
  if (values.help) return (output.out(HELP), 0);
  const { document } = await readDocument(storeFrom(values));
  const now = Date.now();
  const rows = document.tokens.map((t) => ({
    id: t.id,
    subject: t.subject,
    name: t.name ?? '',
    createdAt: t.createdAt,
    expiresAt: t.expiresAt ?? null,
    status: t.revoked ? 'revoked' : t.expiresAt && Date.parse(t.expiresAt) <= now ? 'expired' : 'active',
  }));
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

async function revoke(args: readonly string[], output: CliOutput): Promise<number> {
  const { values, positionals } = parseFlags(args, STORE_FLAGS, true);
  if (values.help) return (output.out(HELP), 0);
  if (positionals.length !== 1) throw new UsageError('Usage: mantle-gateway token revoke ID (--config FILE | --secret-id ID)');
  const id = positionals[0]!;
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
