import { ExitCode, CliFailure, UsageError } from './cli-errors';
import { processOutput, type CliOutput } from './output';
import type { Command } from './commands/command';
import { devCommand } from './commands/dev';
import { initCommand } from './commands/init';
import { modelsCommand } from './commands/models';
import { serveCommand } from './commands/serve';
import { simulateCommand } from './commands/simulate';
import { tokenCommand } from './commands/token';
import { tableCommand } from './commands/table';
import { trustPolicyCommand } from './commands/trust-policy';
import { validateCommand } from './commands/validate';
import { ConfigValidationError } from '../config/validate';
import { SettingsError } from '../config/settings';

/** Every verb of `mantle-gateway`. */
export const COMMANDS: readonly Command[] = [
  serveCommand,
  simulateCommand,
  initCommand,
  validateCommand,
  tokenCommand,
  tableCommand,
  trustPolicyCommand,
  modelsCommand,
  devCommand,
];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: mantle-gateway <command> [flags]   (mantle-gateway <command> --help for its flags)',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
  ].join('\n');
}

/** Runs the CLI; resolves with the exit code (0 success, 1 failure, 2 misuse). */
export async function main(argv: readonly string[], output: CliOutput = processOutput): Promise<number> {
  const [verb, ...args] = argv;
  if (verb === undefined || verb === '--help' || verb === '-h' || verb === 'help') {
    output.out(usage());
    return verb === undefined ? ExitCode.misuse : ExitCode.success;
  }
  const command = COMMANDS.find((c) => c.name === verb);
  try {
    if (!command) throw new UsageError(`Unknown command "${verb}".`);
    return await command.run(args, output);
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(`mantle-gateway: ${error.message}`);
      output.err(command ? `Run "mantle-gateway ${command.name} --help" for usage.` : usage());
      return ExitCode.misuse;
    }
    if (error instanceof CliFailure || error instanceof ConfigValidationError || error instanceof SettingsError) {
      output.err(`mantle-gateway: ${error.message}`);
      return ExitCode.failure;
    }
    output.err(`mantle-gateway: ${(error as Error)?.message ?? String(error)}`);
    return ExitCode.failure;
  }
}

/** The process entry used by bin/mantle-gateway.js: a closed stdout (`| head`) is not an error. */
export function runCli(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
