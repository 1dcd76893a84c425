import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { generateToken } from '../../lambda/auth/tokens';
import { DEV_API_KEY } from '../../lambda/simulator/credentials';
import { MantleSimulator } from '../../lambda/simulator/server';
import { startLocalGateway, type LocalGateway } from '../helpers/local-gateway';

/** Polls until `check` passes or `ms` run out (the records are written when a stream closes). */
async function within(ms: number, check: () => boolean): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 5));
  }
  return check();
}

describe('the Web Function target', () => {
  let gw: LocalGateway;
  beforeAll(async () => {
    gw = await startLocalGateway({ target: 'web-function' });
  });
  afterAll(() => gw.close());

  it("uses Lambda's lambda-web-request-id as the request id", async () => {
    const res = await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${gw.tokens.alice}`, 'lambda-web-request-id': 'web-req-123' } });
    expect(res.headers.get('x-request-id')).toBe('web-req-123');
    expect((await gw.waitForRecord(gw.records().length)).requestId).toBe('web-req-123');
  });

  it('aborts the upstream request within 1 s when the client goes away, and records client_closed with the usage seen', async () => {
    const closedBefore = gw.simulator.closedEarly.length;
    const records = gw.records().length;
    const url = new URL(gw.url);
    const body = JSON.stringify({
      model: 'sim/sonnet',
      max_tokens: 200,
      stream: true,
      messages: [{ role: 'user', content: 'a long answer please' }],
      x_sim: { eventDelayMs: 100 },
    });
    const cutAt = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: '/v1/messages',
          headers: {
            'x-api-key': gw.tokens.alice,
            'content-type': 'application/json',
            'anthropic-version': '2023-06-01',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          res.once('data', () => {
            req.destroy(); // the client leaves after the first event
            resolve(Date.now());
          });
        },
      );
      req.on('error', () => undefined);
      req.once('error', reject);
      req.end(body);
    });
    expect(await within(1000, () => gw.simulator.closedEarly.length > closedBefore)).toBe(true);
    expect(gw.simulator.closedEarly.at(-1)! - cutAt).toBeLessThan(1000);
    expect(await within(1000, () => gw.records().length > records)).toBe(true);
    const record = gw.records().at(-1)!;
    expect(record).toMatchObject({ partial: true, error: 'client_closed', Errors: 0, status: 200 });
    expect(record.InputTokens).toBeGreaterThan(0); // message_start had said so
  });

  it('serves 64 concurrent streams in one process, each with its own correct record', async () => {
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.tokens.alice, maxRetries: 0 });
    const before = gw.records().length;
    const results = await Promise.all(
      Array.from({ length: 64 }, async (_, i) => {
        const { data: stream, response } = await client.chat.completions
          .create({
            model: 'sim/gpt-oss-120b',
            stream: true,
            stream_options: { include_usage: true },
            messages: [{ role: 'user', content: `stream number ${i} `.repeat(1 + (i % 7)) }],
            x_sim: { eventDelayMs: 5 },
          } as never)
          .withResponse();
        let usage: { prompt_tokens: number; completion_tokens: number } | undefined;
        let text = '';
        for await (const chunk of stream as unknown as AsyncIterable<{ choices: { delta?: { content?: string } }[]; usage?: typeof usage }>) {
          text += chunk.choices[0]?.delta?.content ?? '';
          if (chunk.usage) usage = chunk.usage;
        }
        return { requestId: response.headers.get('x-request-id')!, usage: usage!, text };
      }),
    );
    expect(await within(2000, () => gw.records().length >= before + 64)).toBe(true);
    const byId = new Map(gw.records().map((r) => [r.requestId, r]));
    expect(new Set(results.map((r) => r.requestId)).size).toBe(64);
    for (const r of results) {
      const record = byId.get(r.requestId)!;
      expect(record).toMatchObject({ status: 200, partial: false, InputTokens: r.usage.prompt_tokens, OutputTokens: r.usage.completion_tokens });
      expect(r.text.length).toBeGreaterThan(0);
    }
    expect(gw.web!.inFlight()).toBe(0);
  });
});

describe('the Web Function entry process', () => {
  it('on SIGTERM mid-stream writes that stream’s record (partial) and exits within a second', async () => {
    const simulator = new MantleSimulator({});
    const simulatorUrl = await simulator.start();
    const made = generateToken();
    const dir = mkdtempSync(join(tmpdir(), 'mgw-web-'));
    const file = join(dir, 'gateway.json');
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        signingKey: Buffer.alloc(32, 7).toString('base64'),
        tokens: [{ id: made.id, hash: made.hash, subject: 'user:a@example.com', createdAt: new Date().toISOString() }],
        accounts: [
          {
            name: 'sim',
            region: 'us-east-1',
            endpoint: simulatorUrl,
            auth: { type: 'api-key', apiKey: DEV_API_KEY },
            collaborators: [{ subject: '*', role: 'user' }],
            models: [{ modelId: 'openai.gpt-oss-120b' }],
          },
        ],
      }),
    );
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const child = spawn(process.execPath, [join(__dirname, '..', '..', 'dist', 'web-function', 'index.js')], {
      env: { ...process.env, AWS_LAMBDA_HTTP_ENDPOINT: `127.0.0.1:${port}`, GATEWAY_CONFIG_FILE: file, GATEWAY_REQUEST_TIMEOUT_SECONDS: '60' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    try {
      // Wait for the server to listen.
      for (let i = 0; i < 200; i++) {
        const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      const res = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${made.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'sim/gpt-oss-120b', stream: true, messages: [{ role: 'user', content: 'long' }], x_sim: { eventDelayMs: 200 } }),
      });
      const reader = res.body!.getReader();
      await reader.read(); // the stream is running
      const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.once('exit', (code) => resolve({ code, at: Date.now() })));
      const sentAt = Date.now();
      child.kill('SIGTERM');
      const { code, at } = await exited;
      expect(code).toBe(0);
      expect(at - sentAt).toBeLessThan(1000);
      const records = stdout
        .split('\n')
        .filter((l) => l.startsWith('{"_aws"'))
        .map((l) => JSON.parse(l));
      expect(records.filter((r) => r.api === 'chat')).toEqual([expect.objectContaining({ partial: true, stream: true, status: 200 })]);
      await reader.cancel().catch(() => undefined);
    } finally {
      child.kill('SIGKILL');
      await simulator.close();
    }
  });
});
