import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { settingsFromEnv } from '../../lambda/config/settings';
import { OpenAIPrefix } from '../../lambda/kernel/openai-prefix';
import { chatCompletions } from '../../lambda/surfaces/chat-completions';
import { Forwarder, type ForwardRequest } from '../../lambda/upstream/forward';
import { UpstreamConnectError, UpstreamFirstByteTimeoutError, type SendRequest } from '../../lambda/upstream/http-client';

/** A canned Mantle answer. */
function answer(status: number, body: unknown = {}, headers: Record<string, string> = {}): IncomingMessage {
  const message = Readable.from([Buffer.from(JSON.stringify(body))]) as unknown as IncomingMessage;
  Object.assign(message, { statusCode: status, headers: { 'content-type': 'application/json', ...headers } });
  return message;
}

const BERM = { error: { code: 'access_denied', message: 'Berm is not enabled for this account' } };

/** A forwarder whose sender answers from a script and whose clock only records the waits. */
function forwarder(script: ((req: SendRequest) => IncomingMessage | Error)[], maxAttempts = 3) {
  const sent: string[] = [];
  const waits: number[] = [];
  let now = 1_000_000;
  const f = new Forwarder(settingsFromEnv({ GATEWAY_CONFIG_FILE: 'x', UPSTREAM_MAX_ATTEMPTS: String(maxAttempts) }), {
    send: async (req) => {
      sent.push(req.url.pathname);
      const next = script.shift();
      if (!next) throw new Error('no more answers scripted');
      const result = next(req);
      if (result instanceof Error) throw result;
      return result;
    },
    random: () => 0.5,
    clock: { now: () => now, sleep: async (ms) => void (waits.push(ms), (now += ms)) },
  });
  return { f, sent, waits };
}

function request(overrides: Partial<ForwardRequest> = {}): ForwardRequest {
  return {
    method: 'POST',
    surface: chatCompletions,
    account: { name: 'a', region: 'us-east-1', auth: { type: 'api-key', apiKey: 'k' }, collaborators: [], models: [], endpoint: 'http://127.0.0.1:1' },
    region: 'us-east-1',
    prefix: { prefix: OpenAIPrefix.v1, retryOther: true },
    modelId: 'm',
    auth: { authorize: async (r) => ({ ...r.headers }) },
    headers: {},
    body: Buffer.from('{}'),
    deadline: 1_000_000 + 60_000,
    ...overrides,
  };
}

describe('forwarder decisions', () => {
  it('retries a 429 after its Retry-After, then succeeds', async () => {
    const { f, sent, waits } = forwarder([() => answer(429, {}, { 'retry-after': '1' }), () => answer(200)]);
    const result = await f.forward(request());
    expect(result.attempts).toBe(2);
    expect(waits).toEqual([1000]);
    expect(sent).toEqual(['/v1/chat/completions', '/v1/chat/completions']);
  });

  it('passes a 429 whose Retry-After is longer than it waits on to the client, with the header', async () => {
    const { f, waits } = forwarder([() => answer(429, {}, { 'retry-after': '30' })]);
    await expect(f.forward(request())).rejects.toMatchObject({ status: 429, headers: { 'retry-after': '30' } });
    expect(waits).toEqual([]);
  });

  it('retries a failed connection with jittered backoff, up to the attempt limit', async () => {
    const lost = () => new UpstreamConnectError(new Error('ECONNREFUSED'), false);
    const { f, waits } = forwarder([lost, lost, lost]);
    await expect(f.forward(request())).rejects.toBeInstanceOf(UpstreamConnectError);
    expect(waits).toEqual([50, 100]);
  });

  it('never retries a first-byte timeout: the request may be billed', async () => {
    const { f, sent } = forwarder([() => new UpstreamFirstByteTimeoutError(10), () => answer(200)]);
    await expect(f.forward(request())).rejects.toBeInstanceOf(UpstreamFirstByteTimeoutError);
    expect(sent).toHaveLength(1);
  });

  it('moves a route refusal to the other prefix once and reports what it learned', async () => {
    const learned: string[] = [];
    const { f, sent } = forwarder([() => answer(401, BERM), () => answer(200)]);
    const result = await f.forward(request({ onPrefixLearned: (p) => learned.push(p) }));
    expect(sent).toEqual(['/v1/chat/completions', '/openai/v1/chat/completions']);
    expect(result.prefix).toBe(OpenAIPrefix.openaiV1);
    expect(learned).toEqual([OpenAIPrefix.openaiV1]);
  });

  it('learns the other prefix when it answers with an ordinary refusal, not a route refusal', async () => {
    const learned: string[] = [];
    const { f } = forwarder([
      () => answer(404, { error: { message: "The model 'm' isn't supported on this route." } }),
      () => answer(400, { error: { message: 'bad temperature' } }),
    ]);
    await expect(f.forward(request({ onPrefixLearned: (p) => learned.push(p) }))).rejects.toMatchObject({ status: 400 });
    expect(learned).toEqual([OpenAIPrefix.openaiV1]);
  });

  it('gives the first refusal when both prefixes refuse, learning nothing', async () => {
    const learned: string[] = [];
    const { f, sent } = forwarder([() => answer(401, BERM), () => answer(404, { error: { message: "isn't supported on this route" } })]);
    await expect(f.forward(request({ onPrefixLearned: (p) => learned.push(p) }))).rejects.toMatchObject({ status: 403, code: 'upstream_access_denied' });
    expect(sent).toHaveLength(2);
    expect(learned).toEqual([]);
  });

  it('does not move a route it was told to keep', async () => {
    const { f, sent } = forwarder([() => answer(401, BERM)]);
    await expect(f.forward(request({ prefix: { prefix: OpenAIPrefix.v1, retryOther: false } }))).rejects.toMatchObject({ status: 403 });
    expect(sent).toHaveLength(1);
  });

  it('stops retrying when the deadline leaves no room', async () => {
    const { f, sent } = forwarder([() => answer(503), () => answer(200)]);
    await expect(f.forward(request({ deadline: 1_000_000 + 1_000 }))).rejects.toMatchObject({ status: 503 });
    expect(sent).toHaveLength(1);
  });
});
