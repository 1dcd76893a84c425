// Measures the Lambda cold path in a fresh process: load the bundled handler, then invoke it twice
// with a Function URL event (configuration from the local Secrets Manager, credentials from the local
// STS). Prints JSON timings. Run by bench/run.mjs with the environment it needs.
const { Writable } = require('node:stream');
const { performance } = require('node:perf_hooks');

const tStart = performance.now();
// The smallest `awslambda` the handler needs: the bench reads the bytes, not the prelude.
globalThis.awslambda = {
  streamifyResponse: (f) => f,
  HttpResponseStream: { from: (stream) => stream },
};
const { handler } = require(process.argv[2]);
const tLoaded = performance.now();

function invoke() {
  const body = JSON.stringify({ model: process.env.BENCH_MODEL, messages: [{ role: 'user', content: 'cold path' }] });
  const event = {
    version: '2.0',
    rawPath: '/v1/chat/completions',
    rawQueryString: '',
    headers: { authorization: `Bearer ${process.env.BENCH_TOKEN}`, 'content-type': 'application/json' },
    requestContext: { http: { method: 'POST', path: '/v1/chat/completions' }, requestId: `cold-${Math.random()}` },
    body,
    isBase64Encoded: false,
  };
  return new Promise((resolve, reject) => {
    const chunks = [];
    const stream = new Writable({
      write(chunk, _enc, cb) {
        chunks.push(chunk);
        cb();
      },
    });
    stream.setContentType = () => undefined;
    stream.on('finish', () => resolve(Buffer.concat(chunks).toString('utf8')));
    Promise.resolve(handler(event, stream, { awsRequestId: event.requestContext.requestId, getRemainingTimeInMillis: () => 900000 })).catch(reject);
  });
}

(async () => {
  const t0 = performance.now();
  const first = await invoke();
  const t1 = performance.now();
  await invoke();
  const t2 = performance.now();
  if (!first.includes('chat.completion')) throw new Error(`unexpected answer: ${first.slice(0, 300)}`);
  // Silence the EMF lines the handler wrote: the bench reads only this last line.
  process.stdout.write(`\nCOLD ${JSON.stringify({ loadMs: tLoaded - tStart, firstRequestMs: t1 - t0, warmRequestMs: t2 - t1 })}\n`);
  process.exit(0);
})().catch((e) => {
  process.stderr.write(String(e?.stack ?? e));
  process.exit(1);
});
