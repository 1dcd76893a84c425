// npm run soak: thousands of mixed requests at high concurrency through `mantle-gateway serve`
// against the simulator (each in its own process), with faults sprinkled in. Reports requests,
// outcomes by kind (an unexpected outcome is a failure), and the gateway's memory at start and end.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, CLI, peakRssMiB, ROOT, rssMiB, startProcess, stop, writeConfig } from './lib.mjs';

const TOTAL = Number(process.env.SOAK_REQUESTS ?? 8000);
/** Requests before the baseline memory reading: V8 grows its heap to the load first, which is no leak. */
const WARM_UP = Math.floor(TOTAL / 4);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 64);
/** Allowed RSS growth from the end of the warm-up to the end of the run. */
const MEMORY_GROWTH_BOUND_MIB = 32;
cli(['--help']); // fails fast if the CLI bundle is missing

const simulator = await startProcess([CLI, 'simulate', '--port', '0'], /listening on (http:\/\/\S+)/);
const simulatorUrl = simulator.match[1];
const { file, token } = writeConfig(simulatorUrl);
const gateway = await startProcess([CLI, 'serve', '--config', file, '--port', '0'], /listening on (http:\/\/\S+)/, {
  UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '2000',
  STREAM_IDLE_TIMEOUT_MS: '500',
});
const url = gateway.match[1];

/** Request kinds: how often, what to send, what outcome is expected. */
const KINDS = [
  {
    kind: 'chat',
    weight: 20,
    path: '/v1/chat/completions',
    body: () => ({ model: 'bench/gpt-oss-120b', messages: [{ role: 'user', content: 'soak' }] }),
    expect: (s) => s === 200,
  },
  {
    kind: 'chat-stream',
    weight: 20,
    path: '/v1/chat/completions',
    body: () => ({ model: 'bench/gpt-oss-120b', stream: true, messages: [{ role: 'user', content: 'soak' }] }),
    expect: (s, t) => s === 200 && t.includes('[DONE]'),
  },
  {
    kind: 'responses-stream',
    weight: 10,
    path: '/v1/responses',
    body: () => ({ model: 'bench/gpt-oss-120b', stream: true, input: 'soak' }),
    expect: (s, t) => s === 200 && t.includes('response.completed'),
  },
  {
    kind: 'messages-stream',
    weight: 10,
    path: '/v1/messages',
    body: () => ({ model: 'bench/sonnet', stream: true, max_tokens: 50, messages: [{ role: 'user', content: 'soak' }] }),
    expect: (s, t) => s === 200 && t.includes('message_stop'),
  },
  {
    kind: 'fault:503-then-ok',
    weight: 8,
    path: '/v1/chat/completions',
    body: (i) => ({ model: 'bench/gpt-oss-120b', messages: [], x_sim: { status: 503, failFirst: 1, key: `k${i}` } }),
    expect: (s) => s === 200,
  },
  {
    kind: 'fault:drop-then-ok',
    weight: 5,
    path: '/v1/chat/completions',
    body: (i) => ({ model: 'bench/gpt-oss-120b', messages: [], x_sim: { drop: true, failFirst: 1, key: `d${i}` } }),
    expect: (s) => s === 200,
  },
  {
    kind: 'fault:429-long',
    weight: 5,
    path: '/v1/chat/completions',
    body: () => ({ model: 'bench/gpt-oss-120b', messages: [], x_sim: { status: 429, retryAfter: 30 } }),
    expect: (s) => s === 429,
  },
  {
    kind: 'fault:cut-stream',
    weight: 5,
    path: '/v1/chat/completions',
    body: () => ({ model: 'bench/gpt-oss-120b', stream: true, messages: [], x_sim: { resetAfterEvents: 3 } }),
    expect: (s, t) => s === 200 && t.includes('stream_interrupted') && !t.includes('[DONE]'),
  },
  {
    kind: 'fault:malformed-frame',
    weight: 4,
    path: '/v1/responses',
    body: () => ({ model: 'bench/gpt-oss-120b', stream: true, input: 'x', x_sim: { malformedError: true } }),
    expect: (s, t) => s === 200 && t.includes('upstream_stream_error'),
  },
  { kind: 'bad:token', weight: 4, path: '/v1/chat/completions', token: 'mgw_invalid', body: () => ({ model: 'bench/gpt-oss-120b' }), expect: (s) => s === 401 },
  { kind: 'bad:json', weight: 4, path: '/v1/chat/completions', raw: '{"model":', expect: (s) => s === 400 },
  { kind: 'bad:model', weight: 5, path: '/v1/messages', body: () => ({ model: 'bench/nope', max_tokens: 5, messages: [] }), expect: (s) => s === 404 },
];
const weights = KINDS.flatMap((k, i) => Array(k.weight).fill(i));

const counts = {};
const unexpected = {};
const statuses = {};
let done = 0;
let next = 0;
const idleRss = rssMiB(gateway.child.pid);
const checkpoints = [];
let startRss = Number.NaN;
const started = performance.now();

async function one(i) {
  const k = KINDS[weights[(i * 7919) % weights.length]];
  let status = 0;
  let text = '';
  try {
    const res = await fetch(`${url}${k.path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${k.token ?? token}`, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: k.raw ?? JSON.stringify(k.body(i)),
    });
    status = res.status;
    text = await res.text();
  } catch (error) {
    text = String(error);
  }
  counts[k.kind] = (counts[k.kind] ?? 0) + 1;
  statuses[status] = (statuses[status] ?? 0) + 1;
  if (!k.expect(status, text)) unexpected[`${k.kind} -> ${status}`] = (unexpected[`${k.kind} -> ${status}`] ?? 0) + 1;
  done++;
  if (done === WARM_UP) startRss = rssMiB(gateway.child.pid);
  if (done % Math.floor(TOTAL / 8) === 0) checkpoints.push({ requests: done, rssMiB: Number(rssMiB(gateway.child.pid).toFixed(1)) });
}

async function worker() {
  while (next < TOTAL) await one(next++);
}
await Promise.all(Array.from({ length: CONCURRENCY }, worker));
const seconds = (performance.now() - started) / 1000;
const endRss = rssMiB(gateway.child.pid);
const peakRss = peakRssMiB(gateway.child.pid);
await stop(gateway.child);
await stop(simulator.child);

const unexpectedTotal = Object.values(unexpected).reduce((a, b) => a + b, 0);
const result = {
  date: new Date().toISOString(),
  node: process.version,
  requests: done,
  concurrency: CONCURRENCY,
  seconds: Number(seconds.toFixed(2)),
  requestsPerSecond: Number((done / seconds).toFixed(1)),
  byKind: counts,
  byStatus: statuses,
  unexpected,
  unexpectedTotal,
  gatewayRssMiB: {
    idle: Number(idleRss.toFixed(1)),
    afterWarmUp: Number(startRss.toFixed(1)),
    end: Number(endRss.toFixed(1)),
    peak: Number(peakRss.toFixed(1)),
    growthAfterWarmUp: Number((endRss - startRss).toFixed(1)),
    bound: MEMORY_GROWTH_BOUND_MIB,
    checkpoints,
  },
};
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
writeFileSync(join(ROOT, 'bench', 'results', 'soak.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
if (unexpectedTotal > 0 || endRss - startRss > MEMORY_GROWTH_BOUND_MIB) {
  console.error('soak FAILED: unexpected outcomes or memory growth beyond the bound');
  process.exit(1);
}
console.log(`soak passed: ${done} requests, 0 unexpected outcomes, gateway RSS ${startRss.toFixed(1)} → ${endRss.toFixed(1)} MiB`);
