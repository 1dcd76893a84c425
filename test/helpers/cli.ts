import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** The real CLI binary, as users run it. */
export const CLI = join(__dirname, '..', '..', 'bin', 'mantle-gateway.js');

/** Runs `mantle-gateway` with arguments; resolves with its exit code and output. */
export function runCli(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** How long a long-running verb may take to say it is ready. */
const READY_TIMEOUT_MS = 15_000;

/**
 * Starts a long-running verb and waits for a line matching `ready` on stdout or stderr. Every `AWS_*`
 * variable of this process is removed (as on a machine with no AWS account); `extraEnv` adds back.
 */
export function startCli(
  args: string[],
  ready: RegExp,
  cwd?: string,
  extraEnv: Record<string, string> = {},
): Promise<{ child: ChildProcess; output: () => string; match: RegExpMatchArray }> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = { ...process.env };
    for (const name of Object.keys(env)) if (name.startsWith('AWS_')) delete env[name];
    Object.assign(env, extraEnv);
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`not ready within ${READY_TIMEOUT_MS} ms: ${output}`));
    }, READY_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = output.match(ready);
      if (match) {
        clearTimeout(timer);
        resolve({ child, output: () => output, match });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code}: ${output}`));
    });
  });
}

export function stopCli(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });
}
