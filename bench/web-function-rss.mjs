// The Web Function entry bundle alone (dist/web-function/index.js, the production code path) under
// 64 concurrent streams: its RSS idle and its peak. Results: bench/results/web-function-rss.json.
// Run by `npm run bench` after the main rounds; standalone: node bench/web-function-rss.mjs
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './lib.mjs';

const STREAMS = 64;
const ROUNDS = 5;
const DEV_API_KEY = 'bedrock-api-key-mantle-simulator-dev';

const cloud = spawn(process.execPath, [join(ROOT, 'dist', 'bench-local-cloud.js')], { stdio: ['pipe', 'pipe', 'ignore'] });
const info = await new Promise((resolve) => cloud.stdout.once('data', (d) => resolve(JSON.parse(String(d).split('\n')[0]))));
const token = `mgw_${randomBytes(32).toString('base64url')}`;
const file = join(mkdtempSync(join(tmpdir(), 'mgw-rss-')), 'gateway.json');
writeFileSync(
  file,
  JSON.stringify({
    version: 1,
    signingKey: randomBytes(32).toString('base64'),
    tokens: [
      { id: 'tok_rss01', hash: `sha256:${createHash('sha256').update(token).digest('hex')}`, subject: 'service:bench', createdAt: new Date().toISOString() },
    ],
    accounts: [
      {
        name: 'bench',
        region: 'us-east-1',
        endpoint: info.simulatorUrl,
        auth: { type: 'api-key', apiKey: DEV_API_KEY },
        collaborators: [{ subject: '*', role: 'user' }],
        models: [{ modelId: 'openai.gpt-oss-120b' }],
      },
    ],
  }),
);
const port = 41_000 + Math.floor(Math.random() * 1000);
const web = spawn(process.execPath, [join(ROOT, 'dist', 'web-function', 'index.js')], {
  env: { ...process.env, AWS_LAMBDA_HTTP_ENDPOINT: `127.0.0.1:${port}`, GATEWAY_CONFIG_FILE: file, GATEWAY_REQUEST_TIMEOUT_SECONDS: '900' },
  stdio: ['ignore', 'ignore', 'ignore'],
});
for (let i = 0; i < 200; i++) {
  const up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
    (r) => r.ok,
    () => false,
  );
  if (up) break;
  await new Promise((r) => setTimeout(r, 25));
}
const status = (field) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${web.pid}/status`, 'utf8'))[1]) / 1024;
const idleRssMiB = status('VmRSS');
const agent = new Agent({ keepAlive: true, maxSockets: STREAMS });
const body = Buffer.from(
  JSON.stringify({ model: 'bench/gpt-oss-120b', stream: true, messages: [{ role: 'user', content: 'x'.repeat(900) }], x_sim: { eventDelayMs: 20 } }),
);
const stream = () =>
  new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/v1/chat/completions',
        method: 'POST',
        agent,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': body.length },
      },
      (res) => {
        res.resume();
        res.on('end', resolve);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
for (let round = 0; round < ROUNDS; round++) await Promise.all(Array.from({ length: STREAMS }, stream));
const result = {
  date: new Date().toISOString(),
  streams: STREAMS,
  rounds: ROUNDS,
  idleRssMiB: Number(idleRssMiB.toFixed(1)),
  peakRssMiB: Number(status('VmHWM').toFixed(1)),
  targetPeakRssMiB: 100,
};
web.kill('SIGTERM');
cloud.kill('SIGTERM');
writeFileSync(join(ROOT, 'bench', 'results', 'web-function-rss.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result));
process.exit(0);
