import { readFileSync, writeFileSync } from 'node:fs';
import { call } from '../helpers/http';
import { startLocalGateway, type LocalGateway } from '../helpers/local-gateway';

const MARKER = 'ZZSECRETMARKER7731';

/** Collects every line the process writes to stdout and stderr while active. */
function captureAll(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  const original = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  const grab =
    (forward: typeof process.stdout.write) =>
    (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return forward(chunk as string, ...(rest as []));
    };
  process.stdout.write = grab(original.out) as typeof process.stdout.write;
  process.stderr.write = grab(original.err) as typeof process.stderr.write;
  return {
    lines,
    restore: () => {
      process.stdout.write = original.out;
      process.stderr.write = original.err;
    },
  };
}

describe('log hygiene', () => {
  let gw: LocalGateway;
  const capture = captureAll();

  beforeAll(async () => {
    gw = await startLocalGateway({
      env: { GATEWAY_CONFIG_TTL_SECONDS: '0.05', STREAM_IDLE_TIMEOUT_MS: '200' },
      editConfig: (doc) => {
        // A key containing the marker: the simulator is told to accept it below.
        doc.accounts![1]!.auth = { type: 'api-key', apiKey: `key-${MARKER}` };
      },
    });
    gw.simulator.credentials.addApiKey(`key-${MARKER}`);
  });
  afterAll(async () => {
    await gw.close();
    capture.restore();
  });

  it('never prints a token, a key, a secret, a prompt or a completion', async () => {
    const headers = { authorization: `Bearer ${gw.tokens.alice}`, 'content-type': 'application/json' };
    const prompt = `Please repeat ${MARKER} back to me`;
    const requests = [
      call(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ model: 'sim/gpt-oss-120b', messages: [{ role: 'user', content: prompt }] }),
      }),
      call(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ model: 'keyed/oss-keyed', stream: true, messages: [{ role: 'user', content: prompt }] }),
      }),
      call(`${gw.url}/v1/responses`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ model: 'sim/gpt-oss-120b', input: prompt, stream: true, x_sim: { resetAfterEvents: 2 } }),
      }),
      call(`${gw.url}/v1/messages`, {
        method: 'POST',
        headers: { ...headers, 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({ model: 'sim/sonnet', max_tokens: 20, messages: [{ role: 'user', content: prompt }] }),
      }),
      call(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { ...headers, authorization: `Bearer mgw_${MARKER}` }, body: '{}' }),
      call(`${gw.url}/v1/chat/completions`, { method: 'POST', headers, body: `{"model": "${MARKER}` }),
      call(`${gw.url}/v1/chat/completions`, { method: 'POST', headers, body: JSON.stringify({ model: `sim/${MARKER}`, messages: [] }) }),
      call(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ model: 'sim/gpt-oss-120b', messages: [{ role: 'user', content: prompt }], x_sim: { status: 500 } }),
      }),
    ];
    const answers = await Promise.all(requests);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 401, 400, 404, 502]);
    expect(answers[0]!.text).toContain('Hello from');

    // A refresh that finds an invalid document with the marker in a secret field is logged, without it.
    const doc = JSON.parse(readFileSync(gw.configFile, 'utf8'));
    doc.accounts[0].auth.secretAccessKey = { nested: MARKER };
    writeFileSync(gw.configFile, JSON.stringify(doc));
    await new Promise((r) => setTimeout(r, 80));
    await call(`${gw.url}/v1/models`, { headers });
    await new Promise((r) => setTimeout(r, 50));
    await call(`${gw.url}/v1/models`, { headers });

    // EMF lines are taken by the gateway helper's own capture; everything else by ours.
    const printed = capture.lines.join('') + gw.recordLines().join('\n');
    expect(printed).toContain('configuration refresh failed');
    expect(printed).toContain('"_aws"');
    expect(printed).not.toContain(MARKER);
    expect(printed).not.toContain(gw.tokens.alice);
    expect(printed).not.toContain('Hello from');
  });
});
