// Shared helpers for the benchmark and soak scripts: processes, configuration, HTTP.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI = join(ROOT, 'bin', 'mantle-gateway.js');
/** The simulator's development credentials (lambda/simulator/credentials.ts). */
export const DEV_ACCESS_KEY_ID = 'AKIAMANTLESIMULATOR1';
export const DEV_SECRET_ACCESS_KEY = 'mantle-simulator-development-secret-key';

/** Runs a CLI verb to completion; returns stdout. */
export function cli(args, env = {}) {
  const res = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  if (res.status !== 0) throw new Error(`mantle-gateway ${args.join(' ')} failed: ${res.stderr}`);
  return res.stdout;
}

/** Starts a long-running process and resolves once `ready` matches its output. */
export function startProcess(args, ready, env = {}, { stdin = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    let output = '';
    const onData = (chunk) => {
      output += chunk.toString();
      const m = output.match(ready);
      if (m) {
        child.stdout.removeListener('data', onData);
        child.stderr.removeListener('data', onData);
        // Keep draining so a full pipe never blocks the child.
        child.stdout.resume();
        child.stderr.resume();
        resolve({ child, match: m });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}: ${output}`)));
  });
}

export function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Resident memory of a process in MiB (Linux /proc). */
export function rssMiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** Peak resident memory of a process in MiB (Linux /proc VmHWM). */
export function peakRssMiB(pid) {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** CPU seconds (user + system) a process has used so far (Linux /proc). */
export function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / 100;
}

/**
 * Writes a gateway configuration (with the real CLI: init and token create) whose account points at
 * the given simulator. Returns the file and the token.
 */
export function writeConfig(simulatorUrl) {
  const dir = mkdtempSync(join(tmpdir(), 'mgw-bench-'));
  const file = join(dir, 'gateway.json');
  cli(['init', '--config', file]);
  const token = cli(['token', 'create', '--subject', 'service:bench', '--config', file]).trim().split('\n').at(-1);
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  doc.accounts = [
    {
      name: 'bench',
      region: 'us-east-1',
      endpoint: simulatorUrl,
      auth: { type: 'access-key', accessKeyId: DEV_ACCESS_KEY_ID, secretAccessKey: DEV_SECRET_ACCESS_KEY },
      collaborators: [{ subject: '*', role: 'user' }],
      models: [
        { modelId: 'openai.gpt-oss-120b' },
        { name: 'sonnet', modelId: 'anthropic.claude-sonnet-4-6', apis: ['messages'], price: { input: 3, output: 15 } },
      ],
    },
  ];
  writeFileSync(file, JSON.stringify(doc, null, 2));
  return { file, token };
}

/** Percentile of a sorted array. */
export function percentile(sorted, p) {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
