import { MODEL_CATALOG } from '../../catalog/model-catalog';
import { parseFlags } from '../args';
import { table } from '../output';
import type { Command } from './command';

export const modelsCommand: Command = {
  name: 'models',
  summary: 'print the built-in model catalog: ids, routes, prices',
  help: `Usage: mantle-gateway models [--json]

Prints the built-in catalog: each Mantle model id, the path prefix it needs, and its price in USD
per million tokens (input, cached input, cache write, output) with the price's source and date.
A model's "price" in the configuration overrides these.`,
  async run(args, output) {
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
