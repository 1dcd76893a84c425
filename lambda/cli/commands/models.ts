import { MODEL_CATALOG } from '../../catalog/model-catalog';
import { assumeRoleStrategy } from '../../credentials/assume-role-auth';
import { AccountCredentialResolver } from '../../credentials/credential-resolver';
import { settingsFromEnv } from '../../config/settings';
import { MANTLE_REGIONS } from '../../config/regions';
import { modelName } from '../../config/schema';
import { availableModels } from '../../endpoints/discovery';
import { discoverModels } from '../../upstream/discovery';
import { Forwarder } from '../../upstream/forward';
import { STORE_FLAGS, storeFrom } from '../args';
import { CliFailure, UsageError } from '../cli-errors';
import { readDocument, updateDocument } from '../document-io';
import type { CliOutput } from '../output';
import { parseFlags } from '../args';
import { table } from '../output';
import type { Command } from './command';

export const modelsCommand: Command = {
  name: 'models',
  summary: 'print the built-in model catalog: ids, routes, prices',
  help: `Usage: mantle-gateway models [--json]
       mantle-gateway models discover --account A [--region R] [--add-all] [--json] (--config FILE | --secret-id ID)

discover asks Mantle (GET /v1/models, with the account's own credentials) what it offers the
account in its region (or --region R), with what the catalog knows and whether the account has it;
--add-all adds every model the account lacks to the document (validated, compare-and-swap).

Prints the built-in catalog: each Mantle model id, the path prefix it needs, and its price in USD
per million tokens (input, cached input, cache write, output) with the price's source and date.
A model's "price" in the configuration overrides these.`,
  async run(args, output) {
    if (args[0] === 'discover') return discover(args.slice(1), output);
    const { values } = parseFlags(args, { json: { type: 'boolean' } });
    if (values.help) return (output.out(modelsCommand.help), 0);
    if (values.json) {
      output.out(JSON.stringify(MODEL_CATALOG, null, 2));
      return 0;
    }
    const usd = (n: number | undefined): string => (n === undefined ? '-' : String(n));
    const rows = Object.entries(MODEL_CATALOG).map(([id, e]) => [
      id,
      e.route ?? 'auto',
      usd(e.price?.input),
      usd(e.price?.cachedInput ?? e.price?.input),
      usd(e.price?.cacheWrite ?? e.price?.input),
      usd(e.price?.output),
      e.price ? e.date : 'unknown',
    ]);
    output.out(table(['MODEL ID', 'ROUTE', 'INPUT', 'CACHED', 'CACHE WRITE', 'OUTPUT', 'PRICE DATE'], rows));
    output.out('Prices: USD per million tokens. "-": unknown (tokens are recorded, cost is not).');
    return 0;
  },
};

/** The subject the CLI's own calls are made as (the customer's CloudTrail shows it). */
const CLI_SUBJECT = { subject: 'service:mantle-gateway-cli', tokenId: 'cli', isAdmin: true, teams: [], via: 'document' } as const;

async function discover(args: readonly string[], output: CliOutput): Promise<number> {
  const { values } = parseFlags(args, {
    ...STORE_FLAGS,
    account: { type: 'string' },
    region: { type: 'string' },
    'add-all': { type: 'boolean' },
    json: { type: 'boolean' },
  });
  if (values.help) return (output.out(modelsCommand.help), 0);
  if (!values.account) throw new UsageError('Missing --account A.');
  if (values.region && !(MANTLE_REGIONS as readonly string[]).includes(values.region))
    throw new UsageError(`--region must be a Mantle region (got "${values.region}").`);
  const store = storeFrom(values);
  const { document } = await readDocument(store);
  const account = document.accounts.find((a) => a.name === values.account);
  if (!account) throw new CliFailure(`No account named ${values.account} in ${store.description}.`);
  const region = values.region ?? account.region;
  const settings = settingsFromEnv({ ...process.env, GATEWAY_CONFIG_FILE: 'unused' });
  let ids: string[];
  try {
    const auth = new AccountCredentialResolver(assumeRoleStrategy()).forAccount(account, CLI_SUBJECT);
    ids = await discoverModels(new Forwarder(settings), account, region, auth);
  } catch (error) {
    throw new CliFailure(`Mantle did not list the models of ${account.name} in ${region}: ${(error as Error).message}`);
  }
  const found = availableModels(account, ids);
  if (values.json) output.out(JSON.stringify({ account: account.name, region, data: found }, null, 2));
  else
    output.out(
      table(
        ['MODEL ID', 'IN ACCOUNT', 'ROUTE', 'PRICE'],
        found.map((m) => [m.modelId, m.inAccount ? 'yes' : 'no', m.route ?? 'auto', m.price ? 'catalog' : '-']),
      ),
    );
  if (!values['add-all']) return 0;
  const added = await updateDocument(store, (doc) => {
    const target = doc.accounts.find((a) => a.name === account.name);
    if (!target) throw new CliFailure(`Account ${account.name} disappeared from ${store.description}.`);
    const have = new Set(target.models.map((m) => m.modelId));
    const names = new Set(target.models.map((m) => modelName(m)));
    const fresh = found
      .filter((m) => !have.has(m.modelId))
      .map((m) => ({ modelId: m.modelId, ...(region !== target.region ? { region, name: `${m.name}-${region}` } : {}) }));
    const adding = fresh.filter((m) => !names.has(modelName(m)));
    return { document: { ...doc, accounts: doc.accounts.map((a) => (a === target ? { ...a, models: [...a.models, ...adding] } : a)) }, result: adding.length };
  });
  output.err(`Added ${added} model(s) to ${account.name} in ${store.description}.`);
  return 0;
}
