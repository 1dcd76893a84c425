/**
 * The gateway's one logger: JSON lines on stderr (stdout carries only the EMF records), written
 * directly rather than through console so Lambda's log format cannot wrap them. Callers pass codes,
 * names and figures; never a token, key, secret or prompt text.
 */
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface Logger {
  log(level: LogLevel, message: string, fields?: Readonly<Record<string, unknown>>): void;
}

/** Where log lines go (replaced in tests). */
export type LogSink = (line: string) => void;

const stderrSink: LogSink = (line) => process.stderr.write(`${line}\n`);

/** A logger writing to `sink`. */
export function createLogger(sink: LogSink = stderrSink): Logger {
  return { log: (level, message, fields = {}) => sink(JSON.stringify({ level, message, ...fields })) };
}

/** The process's logger. */
export const logger: Logger = createLogger();
