import { parseFlags, STORE_FLAGS, storeFrom } from '../args';
import { readDocument } from '../document-io';
import type { Command } from './command';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check a configuration document and list every problem',
  help: `Usage: mantle-gateway validate (--config FILE | --secret-id ID)

Validates the configuration document. Exits 0 when it is valid; otherwise prints every problem by
JSON path and exits 1.`,
  async run(args, output) {
    const { values } = parseFlags(args, STORE_FLAGS);
    if (values.help) return (output.out(validateCommand.help), 0);
    const store = storeFrom(values);
    const { document } = await readDocument(store);
    const models = document.accounts.reduce((n, a) => n + a.models.length, 0);
    output.out(`${store.description} is valid: ${document.accounts.length} account(s), ${models} model(s), ${document.tokens.length} token(s).`);
    return 0;
  },
};
