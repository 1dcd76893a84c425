import OpenAI from 'openai';
import { call } from '../helpers/http';
import { startLocalGateway, type LocalGateway } from '../helpers/local-gateway';

describe('Responses through the gateway with the official openai client', () => {
  let gw: LocalGateway;
  let alice: OpenAI;
  let bob: OpenAI;

  beforeAll(async () => {
    gw = await startLocalGateway();
    alice = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.tokens.alice, maxRetries: 0 });
    bob = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.tokens.bob, maxRetries: 0 });
  });
  afterAll(() => gw.close());

  it('creates a response and hands out a gateway id, not Mantle’s', async () => {
    const response = await alice.responses.create({ model: 'sim/gpt-oss-120b', input: 'Hello responses' });
    expect(response.output_text).toContain('Hello from openai.gpt-oss-120b');
    expect(response.id).toMatch(/^resp_mgw1/);
    expect(JSON.stringify(response)).not.toContain('resp_sim');
    expect(response.usage!.input_tokens).toBeGreaterThan(0);
    expect(gw.simulator.requests.at(-1)!.body!.model).toBe('openai.gpt-oss-120b');
  });

  it('streams the real event sequence with consistent gateway ids', async () => {
    const stream = await alice.responses.create({ model: 'sim/gpt-oss-120b', input: 'Stream it', stream: true });
    const types: string[] = [];
    const ids = new Set<string>();
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if ('response' in event) ids.add(event.response.id);
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');
    expect(types).toContain('response.output_text.delta');
    expect(text).toContain('Hello from openai.gpt-oss-120b');
    expect([...ids]).toHaveLength(1);
    const [id] = [...ids];
    expect(id).toMatch(/^resp_mgw1/);
    const retrieved = await alice.responses.retrieve(id!);
    expect(retrieved.id).toBe(id);
    expect(retrieved.status).toBe('completed');
  });

  it('retrieves, lists input items of, and deletes a stored response', async () => {
    const created = await alice.responses.create({ model: 'sim/gpt-oss-120b', input: 'Keep me' });
    const retrieved = await alice.responses.retrieve(created.id);
    expect(retrieved.id).toBe(created.id);
    expect(retrieved.output_text).toBe(created.output_text);
    const items = await alice.responses.inputItems.list(created.id);
    expect(items.data[0]).toMatchObject({ type: 'message', role: 'user' });
    const deleted: unknown = await alice.responses.delete(created.id);
    expect(deleted).toEqual({ id: created.id, object: 'response', deleted: true });
    await expect(alice.responses.retrieve(created.id)).rejects.toMatchObject({ status: 404 });
  });

  it('chains previous_response_id on a model whose region differs from its account’s, reaching the region that stored it', async () => {
    const first = await alice.responses.create({ model: 'sim/oss-west', input: 'First turn' });
    const second = await alice.responses.create({ model: 'sim/oss-west', input: 'Second turn', previous_response_id: first.id });
    expect(second.output_text).toContain('continuing');
    expect(second.previous_response_id).toBe(first.id);
    const calls = gw.simulator.requestsTo('/v1/responses').slice(-2);
    expect(calls.map((c) => c.region)).toEqual(['us-west-2', 'us-west-2']);
    expect(String(calls[1]!.body!.previous_response_id)).toMatch(/^resp_sim/);
    const followUp = await alice.responses.retrieve(second.id);
    expect(followUp.id).toBe(second.id);
    expect(gw.simulator.requests.at(-1)).toMatchObject({ method: 'GET', region: 'us-west-2' });
  });

  it('shows the client’s own previous_response_id, never Mantle’s, inside streamed events', async () => {
    const first = await alice.responses.create({ model: 'sim/gpt-oss-120b', input: 'one' });
    const stream = await alice.responses.create({ model: 'sim/gpt-oss-120b', input: 'two', previous_response_id: first.id, stream: true });
    const previous = new Set<unknown>();
    for await (const event of stream) if ('response' in event) previous.add(event.response.previous_response_id);
    expect([...previous]).toEqual([first.id]);
  });

  it('keeps the /openai/v1 prefix a response was created on for its follow-ups', async () => {
    const created = await alice.responses.create({ model: 'sim/gpt-5.5', input: 'frontier' });
    await alice.responses.retrieve(created.id);
    expect(gw.simulator.requests.at(-1)!.path).toMatch(/^\/openai\/v1\/responses\/resp_sim/);
  });

  it('refuses a forged or altered response id with 404', async () => {
    const created = await alice.responses.create({ model: 'sim/gpt-oss-120b', input: 'mine' });
    const altered = created.id.slice(0, -2) + (created.id.endsWith('AA') ? 'BB' : 'AA');
    await expect(alice.responses.retrieve(altered)).rejects.toMatchObject({ status: 404 });
    await expect(alice.responses.retrieve('resp_sim000001')).rejects.toMatchObject({ status: 404 });
    await expect(alice.responses.create({ model: 'sim/gpt-oss-120b', input: 'x', previous_response_id: altered })).rejects.toMatchObject({ status: 404 });
  });

  it('refuses another subject’s response id with 404, and lets an admin reach it', async () => {
    const created = await alice.responses.create({ model: 'sim/gpt-oss-120b', input: 'private' });
    await expect(bob.responses.retrieve(created.id)).rejects.toMatchObject({ status: 404 });
    const admin = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.tokens.admin, maxRetries: 0 });
    await expect(admin.responses.retrieve(created.id)).resolves.toMatchObject({ id: created.id });
  });

  it('refuses a previous_response_id from another account with 400', async () => {
    const created = await alice.responses.create({ model: 'sim/gpt-oss-120b', input: 'first' });
    await expect(alice.responses.create({ model: 'keyed/oss-keyed', input: 'next', previous_response_id: created.id })).rejects.toMatchObject({
      status: 400,
      error: { code: 'invalid_previous_response', param: 'previous_response_id' },
    });
  });

  it('creates a background response and cancels it', async () => {
    const created = await alice.responses.create({ model: 'sim/gpt-oss-120b', input: 'later', background: true });
    expect(created.status).toBe('queued');
    const cancelled = await alice.responses.cancel(created.id);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.id).toBe(created.id);
  });

  it('returns a function call for tools', async () => {
    const response = await alice.responses.create({
      model: 'sim/gpt-oss-120b',
      input: 'weather?',
      tools: [{ type: 'function', name: 'get_weather', strict: false, parameters: { type: 'object', properties: { city: { type: 'string' } } } }],
    });
    const call0 = response.output[0] as OpenAI.Responses.ResponseFunctionToolCall;
    expect(call0.type).toBe('function_call');
    expect(JSON.parse(call0.arguments)).toEqual({ city: 'sample' });
  });

  it('explains Mantle’s refusal of an API the model does not support', async () => {
    const res = await call(`${gw.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.tokens.alice}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'sim/mistral-chat-only', input: 'x' }),
    });
    // `apis` on this model already refuses it before any upstream call.
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('unsupported_api');
  });
});
