import { parseFlags, STORE_FLAGS, storeFrom } from '../args';
import { readDocument } from '../document-io';
import { checkDeployment, ConfigValidationError } from '../../config/validate';
import { CliFailure } from '../cli-errors';
import type { Command } from './command';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check a configuration document and list every problem',
  help: `Usage: mantle-gateway validate (--config FILE | --secret-id ID) [--table NAME]

Validates the configuration document. Exits 0 when it is valid; otherwise prints every problem by
JSON path and exits 1. A document with limits needs the state table: name it with --table
(or GATEWAY_TABLE_NAME).`,
  async run(args, output) {
    const { values } = parseFlags(args, { ...STORE_FLAGS, table: { type: 'string' } });
    if (values.help) return (output.out(validateCommand.help), 0);
    const store = storeFrom(values);
    const { document } = await readDocument(store);
    try {
      checkDeployment(document, store.description, values.table ?? process.env.GATEWAY_TABLE_NAME);
    } catch (error) {
      if (error instanceof ConfigValidationError) throw new CliFailure(error.message);
      throw error;
    }
    const models = document.accounts.reduce((n, a) => n + a.models.length, 0);
    output.out(
      `${store.description} is valid: ${document.accounts.length} account(s), ${models} model(s), ${document.tokens.length} token(s), ${document.limits.length} limit(s).`,
    );
    return 0;
  },
};
