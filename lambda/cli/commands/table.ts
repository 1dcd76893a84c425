import { createStateTable } from '../../aws/state-table-admin';
import { parseFlags } from '../args';
import { CliFailure, UsageError } from '../cli-errors';
import type { Command } from './command';

const HELP = `Usage: mantle-gateway table create --table NAME

Creates the state table (limit counters, table tokens) with the fixed schema: partition key pk and
sort key sk (strings), on demand, TTL on expiresAt. An existing table is left as it is. Uses the
AWS credentials of this shell; AWS_ENDPOINT_URL_DYNAMODB points it at a local server.`;

export const tableCommand: Command = {
  name: 'table',
  summary: 'create the state table (limits, table tokens)',
  help: HELP,
  async run(args, output) {
    const [sub, ...rest] = args;
    if (sub === undefined || sub === '--help' || sub === '-h') return (output.out(HELP), sub === undefined ? 2 : 0);
    if (sub !== 'create') throw new UsageError(`Unknown table command "${sub}"; use create.`);
    const { values } = parseFlags(rest, { table: { type: 'string' } });
    if (values.help) return (output.out(HELP), 0);
    if (!values.table) throw new UsageError('Missing --table NAME.');
    let result;
    try {
      result = await createStateTable(values.table);
    } catch (error) {
      throw new CliFailure(`Could not create table ${values.table}: ${(error as Error).name}: ${(error as Error).message}`);
    }
    if (result.ttlWarning) output.err(`warning: ${result.ttlWarning}`);
    output.out(result.created ? `Created table ${values.table}.` : `Table ${values.table} already exists; left as it is.`);
    return 0;
  },
};
