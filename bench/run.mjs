// npm run bench: what the gateway adds, measured against the simulator reached directly and against
// a minimal pass-through proxy (the floor). The simulator (with the local AWS), the floor proxy, the
// gateway (`mantle-gateway serve`) and this load generator each run in their own process; systems are
// interleaved in rounds so machine drift cancels. Results: bench/results/latest.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CLI, cli, cpuSeconds, peakRssMiB, percentile, ROOT, startProcess, stop } from './lib.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SEQUENTIAL_PER_ROUND = Number(process.env.BENCH_SEQUENTIAL ?? 300);
const STREAMED_PER_ROUND = Number(process.env.BENCH_STREAMED ?? 60);
const THROUGHPUT_SECONDS = Number(process.env.BENCH_THROUGHPUT_SECONDS ?? 2);
const CONCURRENCY = 32;
const LOAD_RUNS = 15;
const DEV_API_KEY = 'bedrock-api-key-mantle-simulator-dev';
const TARGETS = {
  addedP50Ms: 0.5,
  addedP99Ms: 2,
  addedTtfbMs: 1,
  addedChunkP99Ms: 1,
  cpuPerRequestUs: 150,
  throughputRatioToFloor: 0.8,
  moduleLoadOverNodeMs: 50,
};

// --- processes -------------------------------------------------------------------------------
const cloud = await startProcess([join(ROOT, 'dist', 'bench-local-cloud.js')], /^(\{.*\})$/m, {}, { stdin: true });
const cloudInfo = JSON.parse(cloud.match[1]);
const floor = await startProcess([join(ROOT, 'bench', 'floor-proxy.mjs'), cloudInfo.simulatorUrl], /listening on (http:\/\/\S+)/);

const dir = join(ROOT, 'bench', 'results');
mkdirSync(dir, { recursive: true });
const configFile = join(dir, '.bench-gateway.json');
cli(['init', '--config', configFile, '--force']);
const token = cli(['token', 'create', '--subject', 'service:bench', '--config', configFile]).trim().split('\n').at(-1);
const doc = JSON.parse(readFileSync(configFile, 'utf8'));
doc.accounts = [
  {
    name: 'bench',
    region: 'us-east-1',
    endpoint: cloudInfo.simulatorUrl,
    auth: { type: 'api-key', apiKey: DEV_API_KEY },
    collaborators: [{ subject: '*', role: 'user' }],
    models: [{ modelId: 'openai.gpt-oss-120b' }],
  },
  {
    name: 'bench-backup',
    region: 'us-west-2',
    endpoint: cloudInfo.simulatorUrl,
    auth: { type: 'api-key', apiKey: DEV_API_KEY },
    collaborators: [{ subject: '*', role: 'user' }],
    models: [{ modelId: 'openai.gpt-oss-120b' }],
  },
  {
    name: 'sigv4',
    region: 'us-east-1',
    endpoint: cloudInfo.simulatorUrl,
    auth: { type: 'access-key', accessKeyId: 'AKIAMANTLESIMULATOR1', secretAccessKey: 'mantle-simulator-development-secret-key' },
    collaborators: [{ subject: '*', role: 'user' }],
    models: [{ modelId: 'openai.gpt-oss-120b' }],
  },
  {
    name: 'customer',
    region: 'us-east-1',
    endpoint: cloudInfo.simulatorUrl,
    auth: { type: 'assume-role', roleArn: cloudInfo.roleArn, externalId: cloudInfo.externalId },
    collaborators: [{ subject: '*', role: 'user' }],
    models: [{ modelId: 'openai.gpt-oss-120b' }],
  },
];
// A two-target group whose first target is healthy: it must cost what the plain row costs.
doc.groups = [{ name: 'bench-group', targets: ['bench/gpt-oss-120b', 'bench-backup/gpt-oss-120b'], strategy: 'priority' }];
writeFileSync(configFile, JSON.stringify(doc, null, 2));
const gateway = await startProcess([CLI, 'serve', '--config', configFile, '--port', '0'], /listening on (http:\/\/\S+)/, { ...cloudInfo.environment });
const gatewayPid = gateway.child.pid;
// The same gateway on the Web Function target: its own HTTP server, the production code path (no emulator).
const web = await startProcess([CLI, 'serve', '--target', 'web-function', '--config', configFile, '--port', '0'], /listening on (http:\/\/\S+)/, {
  ...cloudInfo.environment,
});

// The same gateway with one applying limit (requests and tokens per subject per minute, never
// reached): a conditional reservation before the call and a settlement after it, on the local DynamoDB.
const limitConfigFile = join(dir, '.bench-gateway-limit.json');
writeFileSync(
  limitConfigFile,
  JSON.stringify({ ...doc, limits: [{ name: 'bench-limit', subjects: ['*'], per: 'minute', requests: 1e9, tokens: 1e12 }] }, null, 2),
);
const limited = await startProcess([CLI, 'serve', '--config', limitConfigFile, '--port', '0'], /listening on (http:\/\/\S+)/, {
  ...cloudInfo.environment,
  GATEWAY_TABLE_NAME: cloudInfo.tableName,
  AWS_ENDPOINT_URL_DYNAMODB: cloudInfo.dynamoUrl,
});

// --- HTTP ------------------------------------------------------------------------------------
const PADDING = 'x'.repeat(900); // with the rest of the body: a 1 KB request
const systems = [
  { name: 'direct', url: `${cloudInfo.simulatorUrl}/v1/chat/completions`, auth: `Bearer ${DEV_API_KEY}`, model: 'openai.gpt-oss-120b' },
  { name: 'floor', url: `${floor.match[1]}/v1/chat/completions`, auth: `Bearer ${DEV_API_KEY}`, model: 'openai.gpt-oss-120b' },
  { name: 'gateway', url: `${gateway.match[1]}/v1/chat/completions`, auth: `Bearer ${token}`, model: 'bench/gpt-oss-120b' },
  { name: 'gateway-sigv4', url: `${gateway.match[1]}/v1/chat/completions`, auth: `Bearer ${token}`, model: 'sigv4/gpt-oss-120b' },
  { name: 'gateway-web', url: `${web.match[1]}/v1/chat/completions`, auth: `Bearer ${token}`, model: 'bench/gpt-oss-120b' },
  { name: 'gateway-group', url: `${gateway.match[1]}/v1/chat/completions`, auth: `Bearer ${token}`, model: 'bench-group' },
  { name: 'gateway-limit', url: `${limited.match[1]}/v1/chat/completions`, auth: `Bearer ${token}`, model: 'bench/gpt-oss-120b' },
];
const agents = new Map(systems.map((s) => [s.name, new Agent({ keepAlive: true, maxSockets: 64 })]));
const bodyFor = (system, stream) =>
  Buffer.from(
    JSON.stringify({ model: system.model, messages: [{ role: 'user', content: PADDING }], ...(stream ? { stream: true, x_sim: { stampEvents: true } } : {}) }),
  );

/** One request; resolves with timings (ms) and, for streams, each event's one-way delay. */
function send(system, stream) {
  const body = bodyFor(system, stream);
  const url = new URL(system.url);
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let ttfb;
    const delays = [];
    let pending = '';
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent: agents.get(system.name),
        headers: { authorization: system.auth, 'content-type': 'application/json', 'content-length': body.length },
      },
      (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          const now = performance.timeOrigin + performance.now();
          ttfb ??= performance.now() - t0;
          if (!stream) return;
          pending += chunk;
          let at;
          while ((at = pending.indexOf('\n\n')) !== -1) {
            const frame = pending.slice(0, at);
            pending = pending.slice(at + 2);
            const m = /"sim_t":([\d.]+)/.exec(frame);
            if (m) delays.push(now - Number(m[1]));
          }
        });
        res.on('end', () => {
          if (res.statusCode !== 200) return reject(new Error(`${system.name}: HTTP ${res.statusCode}`));
          resolve({ totalMs: performance.now() - t0, ttfbMs: ttfb, delays });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

// --- scenarios -------------------------------------------------------------------------------
const samples = Object.fromEntries(systems.map((s) => [s.name, { latency: [], ttfb: [], chunk: [], throughput: [] }]));
const cpu = {
  sequential: { seconds: 0, requests: 0 },
  throughput: { seconds: 0, requests: 0 },
  floorSequential: { seconds: 0, requests: 0 },
  floorThroughput: { seconds: 0, requests: 0 },
  webSequential: { seconds: 0, requests: 0 },
  webThroughput: { seconds: 0, requests: 0 },
};
/** The process whose CPU a system's requests are charged to, and where to add it up. */
const cpuAccount = (name, phase) =>
  name === 'gateway'
    ? [gatewayPid, cpu[phase]]
    : name === 'floor'
      ? [floor.child.pid, cpu[phase === 'sequential' ? 'floorSequential' : 'floorThroughput']]
      : name === 'gateway-web'
        ? [web.child.pid, cpu[phase === 'sequential' ? 'webSequential' : 'webThroughput']]
        : undefined;

async function sequential(system, n) {
  const account = cpuAccount(system.name, 'sequential');
  const c0 = account ? cpuSeconds(account[0]) : 0;
  for (let i = 0; i < n; i++) samples[system.name].latency.push((await send(system, false)).totalMs);
  if (account) {
    account[1].seconds += cpuSeconds(account[0]) - c0;
    account[1].requests += n;
  }
}

async function streamed(system, n) {
  for (let i = 0; i < n; i++) {
    const r = await send(system, true);
    samples[system.name].ttfb.push(r.ttfbMs);
    samples[system.name].chunk.push(...r.delays);
  }
}

async function throughput(system) {
  const account = cpuAccount(system.name, 'throughput');
  const c0 = account ? cpuSeconds(account[0]) : 0;
  const end = performance.now() + THROUGHPUT_SECONDS * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        await send(system, false);
        done++;
      }
    }),
  );
  samples[system.name].throughput.push(done / THROUGHPUT_SECONDS);
  if (account) {
    account[1].seconds += cpuSeconds(account[0]) - c0;
    account[1].requests += done;
  }
}

process.stderr.write(`warming up…\n`);
for (const s of systems) {
  await sequential({ ...s, name: `${s.name}` }, 50);
  await streamed(s, 10);
}
for (const s of systems) Object.assign(samples[s.name], { latency: [], ttfb: [], chunk: [], throughput: [] });
for (const phase of Object.keys(cpu)) cpu[phase] = { seconds: 0, requests: 0 };

for (let round = 0; round < ROUNDS; round++) {
  // Alternate the order each round so no system always runs first (machine drift cancels).
  const order = round % 2 === 0 ? systems : [...systems].reverse();
  process.stderr.write(`round ${round + 1}/${ROUNDS}: ${order.map((s) => s.name).join(' → ')}\n`);
  for (const s of order) await sequential(s, SEQUENTIAL_PER_ROUND);
  for (const s of order) await streamed(s, STREAMED_PER_ROUND);
  for (const s of order) await throughput(s);
}
// 64 concurrent streams through each target (each ~20 events, 20 ms apart): the peak RSS of each process.
async function concurrentStreams(system) {
  const body = Buffer.from(JSON.stringify({ model: system.model, stream: true, messages: [{ role: 'user', content: PADDING }], x_sim: { eventDelayMs: 20 } }));
  const url = new URL(system.url);
  const one = () =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          agent: agents.get(system.name),
          headers: { authorization: system.auth, 'content-type': 'application/json', 'content-length': body.length },
        },
        (res) => {
          res.resume();
          res.on('end', resolve);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  await Promise.all(Array.from({ length: 64 }, one));
}
await concurrentStreams(systems.find((s) => s.name === 'gateway'));
await concurrentStreams(systems.find((s) => s.name === 'gateway-web'));
const gatewayPeakRssMiB = peakRssMiB(gatewayPid);
const webPeakRssMiB = peakRssMiB(web.child.pid);

// --- module load and cold path ----------------------------------------------------------------
const handlerBundle = join(ROOT, 'dist', 'lambda', 'handler.js');
const bundleBytes = statSync(handlerBundle).size;
const bundleGzipBytes = gzipSync(readFileSync(handlerBundle)).length;
function timeSpawn(args, env = {}) {
  const t0 = performance.now();
  const res = spawnSync(process.execPath, args, { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(res.stderr);
  return performance.now() - t0;
}
const bare = [];
const withHandler = [];
const loadEnv = { GATEWAY_CONFIG_FILE: configFile };
const loadScript = `globalThis.awslambda={streamifyResponse:f=>f,HttpResponseStream:{from:s=>s}};require(${JSON.stringify(handlerBundle)})`;
for (let i = 0; i < LOAD_RUNS; i++) {
  bare.push(timeSpawn(['-e', '0']));
  withHandler.push(timeSpawn(['-e', loadScript], loadEnv));
}
const median = (a) =>
  percentile(
    [...a].sort((x, y) => x - y),
    50,
  );

const secretName = 'bench/gateway-config';
cloud.child.stdin.write(`${JSON.stringify({ secret: secretName, text: readFileSync(configFile, 'utf8') })}\n`);
await new Promise((r) => setTimeout(r, 200));
const cold = [];
for (let i = 0; i < 5; i++) {
  const res = spawnSync(process.execPath, [join(ROOT, 'bench', 'cold-start.cjs'), handlerBundle], {
    env: { ...process.env, ...cloudInfo.environment, GATEWAY_CONFIG_SECRET_ID: secretName, BENCH_TOKEN: token, BENCH_MODEL: 'customer/gpt-oss-120b' },
    encoding: 'utf8',
  });
  const line = res.stdout.split('\n').find((l) => l.startsWith('COLD '));
  if (!line) throw new Error(`cold path failed: ${res.stderr.slice(0, 2000)}`);
  cold.push(JSON.parse(line.slice(5)));
}

// The ceiling of one hot pooled counter on the local DynamoDB, on 1 counter and spread over 8.
const hot = spawnSync(process.execPath, [join(ROOT, 'dist', 'bench-hot-counter.js'), cloudInfo.dynamoUrl, cloudInfo.tableName], { encoding: 'utf8' });
const hotCounter = JSON.parse(hot.stdout.trim().split('\n').at(-1));
// What a cached table token and a cached JWT cost to authenticate, against a document token.
const identityRun = spawnSync(process.execPath, [join(ROOT, 'dist', 'bench-identity.js')], { encoding: 'utf8' });
const identity = JSON.parse(identityRun.stdout.trim().split('\n').at(-1));

await Promise.all([stop(gateway.child), stop(web.child), stop(limited.child), stop(floor.child), stop(cloud.child)]);

// --- report ----------------------------------------------------------------------------------
const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const r = (x) => Number(x.toFixed(3));
  return {
    n: sorted.length,
    p50: r(percentile(sorted, 50)),
    p90: r(percentile(sorted, 90)),
    p99: r(percentile(sorted, 99)),
    mean: r(sorted.reduce((a, b) => a + b, 0) / sorted.length),
  };
};
const bySystem = Object.fromEntries(
  systems.map((s) => [
    s.name,
    {
      latencyMs: stats(samples[s.name].latency),
      ttfbMs: stats(samples[s.name].ttfb),
      chunkDelayMs: stats(samples[s.name].chunk),
      throughputRps: stats(samples[s.name].throughput),
    },
  ]),
);
const added = (name, metric, p) => Number((bySystem[name][metric][p] - bySystem.direct[metric][p]).toFixed(3));
const result = {
  date: new Date().toISOString(),
  machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)) },
  method: {
    rounds: ROUNDS,
    sequentialPerRound: SEQUENTIAL_PER_ROUND,
    streamedPerRound: STREAMED_PER_ROUND,
    throughputSecondsPerRound: THROUGHPUT_SECONDS,
    concurrency: CONCURRENCY,
    requestBytes: bodyFor(systems[0], false).length,
  },
  systems: bySystem,
  added: {
    gateway: {
      latencyP50Ms: added('gateway', 'latencyMs', 'p50'),
      latencyP99Ms: added('gateway', 'latencyMs', 'p99'),
      ttfbP50Ms: added('gateway', 'ttfbMs', 'p50'),
      chunkDelayP50Ms: added('gateway', 'chunkDelayMs', 'p50'),
      chunkDelayP99Ms: added('gateway', 'chunkDelayMs', 'p99'),
    },
    floor: {
      latencyP50Ms: added('floor', 'latencyMs', 'p50'),
      latencyP99Ms: added('floor', 'latencyMs', 'p99'),
      ttfbP50Ms: added('floor', 'ttfbMs', 'p50'),
      chunkDelayP50Ms: added('floor', 'chunkDelayMs', 'p50'),
      chunkDelayP99Ms: added('floor', 'chunkDelayMs', 'p99'),
    },
    gatewaySigV4: { latencyP50Ms: added('gateway-sigv4', 'latencyMs', 'p50'), latencyP99Ms: added('gateway-sigv4', 'latencyMs', 'p99') },
    gatewayLimit: {
      latencyP50Ms: added('gateway-limit', 'latencyMs', 'p50'),
      latencyP99Ms: added('gateway-limit', 'latencyMs', 'p99'),
      ttfbP50Ms: added('gateway-limit', 'ttfbMs', 'p50'),
    },
  },
  /** Both compute targets side by side: the Web Function row is the production code path, with no emulator in it. */
  computeTargets: (() => {
    const perRequestUs = (phase) => Number(((cpu[phase].seconds / cpu[phase].requests) * 1e6).toFixed(1));
    const functionUrlCpuUs = Number(((cpu.throughput.seconds / cpu.throughput.requests) * 1e6).toFixed(1));
    const webCpuUs = perRequestUs('webThroughput');
    // Cost per million streamed requests of 20 s, at published Lambda prices (arm64, us-east-1):
    // a Function URL bills the whole 20 s of a 1 GB function; a Web Function bills active CPU and
    // memory over each environment's life, which 64 concurrent streams share. Web Function unit
    // prices are not published: they stay named variables of the formula.
    const STREAM_SECONDS = 20;
    const LAMBDA_ARM_GB_SECOND_USD = 0.0000133334;
    const LAMBDA_REQUEST_USD = 0.2 / 1e6;
    const functionUrlUsdPerMillion = Number(((STREAM_SECONDS * 1 * LAMBDA_ARM_GB_SECOND_USD + LAMBDA_REQUEST_USD) * 1e6).toFixed(2));
    return {
      functionUrl: {
        addedLatencyP50Ms: added('gateway', 'latencyMs', 'p50'),
        addedTtfbP50Ms: added('gateway', 'ttfbMs', 'p50'),
        addedChunkP99Ms: added('gateway', 'chunkDelayMs', 'p99'),
        cpuPerRequestUsConcurrency32: functionUrlCpuUs,
        peakRssMiB: Number(gatewayPeakRssMiB.toFixed(1)),
        usdPerMillion20sStreams: functionUrlUsdPerMillion,
        costFormula: `1e6 × (20 s × 1 GB × $${LAMBDA_ARM_GB_SECOND_USD}/GB-s + $0.20/1e6 per request)`,
      },
      webFunction: {
        addedLatencyP50Ms: added('gateway-web', 'latencyMs', 'p50'),
        addedTtfbP50Ms: added('gateway-web', 'ttfbMs', 'p50'),
        addedChunkP99Ms: added('gateway-web', 'chunkDelayMs', 'p99'),
        cpuPerRequestUsConcurrency32: webCpuUs,
        cpuPerRequestUsSequential: perRequestUs('webSequential'),
        peakRssMiB: Number(webPeakRssMiB.toFixed(1)),
        cpuSecondsPerRequest: Number((webCpuUs / 1e6).toFixed(6)),
        costFormula:
          '1e6 × (P_request + cpuSecondsPerRequest × P_cpu_second + (2 GB × 20 s / 64 concurrent) × P_gb_second), with P_request, P_cpu_second and P_gb_second the Web Function prices (not published)',
      },
    };
  })(),
  /** What a two-target group with a healthy first target adds over the plain gateway row. */
  groupOverGateway: {
    latencyP50Ms: Number((bySystem['gateway-group'].latencyMs.p50 - bySystem.gateway.latencyMs.p50).toFixed(3)),
    latencyP99Ms: Number((bySystem['gateway-group'].latencyMs.p99 - bySystem.gateway.latencyMs.p99).toFixed(3)),
    ttfbP50Ms: Number((bySystem['gateway-group'].ttfbMs.p50 - bySystem.gateway.ttfbMs.p50).toFixed(3)),
  },
  /** What one applying limit adds over the plain gateway row (same process shape, same account). */
  limitOverGateway: {
    latencyP50Ms: Number((bySystem['gateway-limit'].latencyMs.p50 - bySystem.gateway.latencyMs.p50).toFixed(3)),
    latencyP99Ms: Number((bySystem['gateway-limit'].latencyMs.p99 - bySystem.gateway.latencyMs.p99).toFixed(3)),
    ttfbP50Ms: Number((bySystem['gateway-limit'].ttfbMs.p50 - bySystem.gateway.ttfbMs.p50).toFixed(3)),
  },
  identity: { ...identity, note: 'Authenticator.authenticate in-process, 20,000 calls each, caches warm (the function\u2019s own work, no HTTP)' },
  hotCounter: {
    ...hotCounter,
    note: 'reservation + settlement per request, concurrency 64, against dynalite in one process; DynamoDB itself allows about 1,000 writes/s per partition',
  },
  ratios: {
    gatewayAddedP50OverFloorAdded: Number((added('gateway', 'latencyMs', 'p50') / added('floor', 'latencyMs', 'p50')).toFixed(2)),
    throughputGatewayOverFloor: Number((bySystem.gateway.throughputRps.mean / bySystem.floor.throughputRps.mean).toFixed(3)),
    throughputGatewayOverDirect: Number((bySystem.gateway.throughputRps.mean / bySystem.direct.throughputRps.mean).toFixed(3)),
  },
  gatewayCpuPerRequestUs: {
    sequential: Number(((cpu.sequential.seconds / cpu.sequential.requests) * 1e6).toFixed(1)),
    concurrency32: Number(((cpu.throughput.seconds / cpu.throughput.requests) * 1e6).toFixed(1)),
  },
  floorCpuPerRequestUs: {
    sequential: Number(((cpu.floorSequential.seconds / cpu.floorSequential.requests) * 1e6).toFixed(1)),
    concurrency32: Number(((cpu.floorThroughput.seconds / cpu.floorThroughput.requests) * 1e6).toFixed(1)),
  },
  gatewayPeakRssMiB: Number(gatewayPeakRssMiB.toFixed(1)),
  handler: {
    bundleBytes,
    bundleGzipBytes,
    bareNodeStartMs: Number(median(bare).toFixed(1)),
    nodeStartWithHandlerMs: Number(median(withHandler).toFixed(1)),
    moduleLoadOverNodeMs: Number((median(withHandler) - median(bare)).toFixed(1)),
  },
  coldPath: {
    runs: cold.length,
    moduleLoadMs: Number(median(cold.map((c) => c.loadMs)).toFixed(1)),
    firstRequestMs: Number(median(cold.map((c) => c.firstRequestMs)).toFixed(1)),
    warmRequestMs: Number(median(cold.map((c) => c.warmRequestMs)).toFixed(2)),
    note: 'first request: GetSecretValue and STS AssumeRole against the local AWS stand-in, then SigV4 to the simulator',
  },
  targets: TARGETS,
};
result.met = {
  addedP50: result.added.gateway.latencyP50Ms <= TARGETS.addedP50Ms,
  addedP99: result.added.gateway.latencyP99Ms <= TARGETS.addedP99Ms,
  addedTtfb: result.added.gateway.ttfbP50Ms <= TARGETS.addedTtfbMs,
  addedChunkP99: result.added.gateway.chunkDelayP99Ms <= TARGETS.addedChunkP99Ms,
  cpuPerRequest: result.gatewayCpuPerRequestUs.sequential <= TARGETS.cpuPerRequestUs,
  throughput: result.ratios.throughputGatewayOverFloor >= TARGETS.throughputRatioToFloor,
  moduleLoad: result.handler.moduleLoadOverNodeMs <= TARGETS.moduleLoadOverNodeMs,
};
writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
// The Web Function bundle alone under 64 concurrent streams (its own results file).
spawnSync(process.execPath, [join(ROOT, 'bench', 'web-function-rss.mjs')], { stdio: 'inherit' });
console.log(JSON.stringify(result, null, 2));
