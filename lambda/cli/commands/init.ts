import { documentText } from '../document-io';
import { parseFlags, STORE_FLAGS, storeFrom } from '../args';
import { CliFailure } from '../cli-errors';
import { starterDocument } from '../starter-document';
import type { Command } from './command';

export const initCommand: Command = {
  name: 'init',
  summary: 'write a starter configuration with a fresh signing key',
  help: `Usage: mantle-gateway init (--config FILE | --secret-id ID) [--force]

Writes a valid starter configuration document with a freshly generated signingKey and no
accounts or tokens. Refuses to replace an existing document unless --force is given.`,
  async run(args, output) {
    const { values } = parseFlags(args, { ...STORE_FLAGS, force: { type: 'boolean' } });
    if (values.help) return (output.out(initCommand.help), 0);
    const store = storeFrom(values);
    const existing = await store.read().catch(() => undefined);
    if (existing && existing.text.trim() && !values.force) {
      throw new CliFailure(`${store.description} already holds a configuration; use --force to replace it.`);
    }
    await store.write(documentText(starterDocument()), undefined);
    output.out(`Wrote a starter configuration to ${store.description}.`);
    output.out('Next: add an account, then mint a token with "mantle-gateway token create --subject user:you@example.com".');
    return 0;
  },
};
