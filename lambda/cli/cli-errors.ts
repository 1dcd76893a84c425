/** CLI exit codes (SPEC section 7). */
export const ExitCode = { success: 0, failure: 1, misuse: 2 } as const;

/** Misuse: unknown verb or flag, missing required flag. Exits 2. */
export class UsageError extends Error {
  public override readonly name: string = 'UsageError';
}

/** A failure the user can act on (unreadable or invalid file, refused write). Exits 1. */
export class CliFailure extends Error {
  public override readonly name: string = 'CliFailure';
}
