import type { CliOutput } from '../output';

/** One CLI verb. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly help: string;
  /** Runs the verb; resolves with the exit code. Long-running verbs resolve when they stop. */
  run(args: readonly string[], output: CliOutput): Promise<number>;
}
