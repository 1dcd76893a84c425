import Anthropic from '@anthropic-ai/sdk';
import { call } from '../helpers/http';
import { startLocalGateway, type LocalGateway } from '../helpers/local-gateway';

describe('Messages through the gateway with the official Anthropic client', () => {
  let gw: LocalGateway;
  beforeAll(async () => {
    gw = await startLocalGateway();
  });
  afterAll(() => gw.close());

  const withApiKey = () => new Anthropic({ baseURL: gw.url, apiKey: gw.tokens.alice, maxRetries: 0 });
  const withAuthToken = () => new Anthropic({ baseURL: gw.url, apiKey: null, authToken: gw.tokens.alice, maxRetries: 0 });

  it.each([
    ['apiKey (x-api-key)', withApiKey],
    ['authToken (Bearer)', withAuthToken],
  ])('creates a message with the token as %s', async (_label, make) => {
    const message = await make().messages.create({ model: 'sim/sonnet', max_tokens: 100, messages: [{ role: 'user', content: 'Hello Claude' }] });
    expect(message.content[0]).toMatchObject({ type: 'text', text: expect.stringContaining('anthropic.claude-sonnet-4-6') });
    const seen = gw.simulator.requestsTo('/anthropic/v1/messages').at(-1)!;
    expect(seen.body!.model).toBe('anthropic.claude-sonnet-4-6');
    // The client's own version is forwarded as sent.
    expect(seen.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(seen.headers['openai-project']).toBeUndefined();
  });

  it('streams the real event sequence', async () => {
    const stream = withApiKey().messages.stream({ model: 'sim/sonnet', max_tokens: 100, messages: [{ role: 'user', content: 'Stream' }] });
    const types: string[] = [];
    stream.on('streamEvent', (event) => types.push(event.type));
    const final = await stream.finalMessage();
    expect(types[0]).toBe('message_start');
    expect(types.at(-1)).toBe('message_stop');
    expect(final.content[0]).toMatchObject({ type: 'text' });
    expect(final.usage.output_tokens).toBeGreaterThan(1);
  });

  it('counts tokens', async () => {
    const counted = await withApiKey().messages.countTokens({ model: 'sim/sonnet', messages: [{ role: 'user', content: 'How many?' }] });
    expect(counted.input_tokens).toBeGreaterThan(0);
    expect(gw.simulator.requests.at(-1)!.path).toBe('/anthropic/v1/messages/count_tokens');
  });

  it('defaults anthropic-version when the client sent none', async () => {
    const res = await call(`${gw.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': gw.tokens.alice, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'sim/sonnet', max_tokens: 10, messages: [{ role: 'user', content: 'v' }] }),
    });
    expect(res.status).toBe(200);
    expect(gw.simulator.requests.at(-1)!.headers['anthropic-version']).toBe('2023-06-01');
  });

  it('answers errors in the Anthropic format', async () => {
    await expect(
      withApiKey().messages.create({ model: 'private/private-oss', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({
      status: 404,
      error: { type: 'error', error: { type: 'not_found_error' } },
    });
    const bad = await call(`${gw.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': gw.tokens.alice, 'content-type': 'application/json' },
      body: '{',
    });
    expect(bad.json).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: 'The request body is not valid JSON.' } });
  });

  it('refuses a chat-only model on Messages before any upstream call, in the Anthropic format', async () => {
    const before = gw.simulator.requests.length;
    await expect(
      withApiKey().messages.create({ model: 'sim/mistral-chat-only', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({
      status: 400,
      error: { type: 'error', error: { type: 'invalid_request_error' } },
    });
    expect(gw.simulator.requests.length).toBe(before);
  });

  it('explains Mantle’s refusal of a model on an API it does not support', async () => {
    await expect(withApiKey().messages.create({ model: 'sim/gpt-oss-120b', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject(
      {
        status: 400,
        message: expect.stringContaining('use Chat Completions'),
      },
    );
  });

  it('lists models for the Anthropic SDK', async () => {
    const ids: string[] = [];
    for await (const model of withApiKey().models.list()) ids.push(model.id);
    expect(ids).toContain('sim/sonnet');
  });
});
