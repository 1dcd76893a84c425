import OpenAI from 'openai';
import { startLocalGateway, type LocalGateway } from '../helpers/local-gateway';

describe('Chat Completions through the gateway with the official openai client', () => {
  let gw: LocalGateway;
  let client: OpenAI;

  beforeAll(async () => {
    gw = await startLocalGateway({ env: { AWS_BEDROCK_MANTLE_OPENAI_V1_PREFIX_MODELS: 'acme.frontier-2' } });
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.tokens.alice, maxRetries: 0 });
  });
  afterAll(() => gw.close());

  it('answers a non-streamed request with the simulator usage and the model id rewritten', async () => {
    const completion = await client.chat.completions.create({ model: 'sim/gpt-oss-120b', messages: [{ role: 'user', content: 'Hi there' }] });
    expect(completion.choices[0]!.message.content).toContain('Hello from openai.gpt-oss-120b');
    expect(completion.usage!.prompt_tokens).toBeGreaterThan(0);
    const seen = gw.simulator.requestsTo('/v1/chat/completions').at(-1)!;
    expect(seen.body!.model).toBe('openai.gpt-oss-120b');
    expect(seen.auth).toEqual({ type: 'sigv4', accessKeyId: 'AKIAMANTLESIMULATOR1' });
    expect(seen.region).toBe('us-east-1');
    expect(seen.headers['openai-project']).toBe('proj_sim123');
  });

  it('offers reasoning as reasoning_content too', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-oss-120b', messages: [{ role: 'user', content: 'Think' }], reasoning_effort: 'low' });
    const message = completion.choices[0]!.message as unknown as Record<string, string>;
    expect(message.reasoning).toMatch(/answer briefly/);
    expect(message.reasoning_content).toBe(message.reasoning);
  });

  it('streams deltas and strips the usage chunk when the client did not ask for usage', async () => {
    const stream = await client.chat.completions.create({ model: 'sim/gpt-oss-120b', messages: [{ role: 'user', content: 'Stream please' }], stream: true });
    let text = '';
    let reasoning = '';
    const usageChunks: unknown[] = [];
    for await (const chunk of stream) {
      if (chunk.usage) usageChunks.push(chunk.usage);
      const delta = chunk.choices[0]?.delta as Record<string, string> | undefined;
      text += delta?.content ?? '';
      reasoning += delta?.reasoning_content ?? '';
    }
    expect(text).toBe('Hello from openai.gpt-oss-120b on the Mantle simulator. Your message had 13 characters.');
    expect(reasoning).toMatch(/answer briefly/);
    expect(usageChunks).toEqual([]);
    const sent = gw.simulator.requestsTo('/v1/chat/completions').at(-1)!;
    expect(sent.body!.stream_options).toEqual({ include_usage: true });
  });

  it('keeps the usage chunk when the client asked for it', async () => {
    const stream = await client.chat.completions.create({
      model: 'sim/gpt-oss-120b',
      messages: [{ role: 'user', content: 'Count me' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const usage: OpenAI.CompletionUsage[] = [];
    for await (const chunk of stream) if (chunk.usage) usage.push(chunk.usage);
    expect(usage).toHaveLength(1);
    expect(usage[0]!.completion_tokens).toBeGreaterThan(0);
  });

  it('returns a tool call with arguments that match the tool schema', async () => {
    const completion = await client.chat.completions.create({
      model: 'sim/gpt-oss-120b',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
        },
      ],
    });
    const call = completion.choices[0]!.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'sample' });
  });

  it('answers a json_schema response_format with JSON matching the schema', async () => {
    const completion = await client.chat.completions.create({
      model: 'sim/gpt-oss-120b',
      messages: [{ role: 'user', content: 'Give me a person' }],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'person',
          schema: { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name', 'age'] },
        },
      },
    });
    expect(JSON.parse(completion.choices[0]!.message.content!)).toEqual({ name: 'sample', age: 1 });
  });

  it('reaches an api-key account with the bearer key', async () => {
    const completion = await client.chat.completions.create({ model: 'keyed/oss-keyed', messages: [{ role: 'user', content: 'key' }] });
    expect(completion.choices[0]!.message.content).toContain('openai.gpt-oss-20b');
    expect(gw.simulator.requests.at(-1)!.auth).toEqual({ type: 'bearer' });
  });

  it('signs for the model region when it overrides the account region', async () => {
    await client.chat.completions.create({ model: 'sim/oss-west', messages: [{ role: 'user', content: 'west' }] });
    expect(gw.simulator.requests.at(-1)!.region).toBe('us-west-2');
  });

  it('routes a catalog model that needs /openai/v1 straight there', async () => {
    const before = gw.simulator.requests.length;
    await client.chat.completions.create({ model: 'sim/gpt-5.5', messages: [{ role: 'user', content: 'frontier' }] });
    expect(gw.simulator.requests.slice(before).map((r) => r.path)).toEqual(['/openai/v1/chat/completions']);
  });

  it('retries a Berm refusal once on /openai/v1 and remembers the answer', async () => {
    const before = gw.simulator.requests.length;
    await client.chat.completions.create({ model: 'sim/frontier-1', messages: [{ role: 'user', content: 'one' }] });
    await client.chat.completions.create({ model: 'sim/frontier-1', messages: [{ role: 'user', content: 'two' }] });
    expect(gw.simulator.requests.slice(before).map((r) => r.path)).toEqual([
      '/v1/chat/completions',
      '/openai/v1/chat/completions',
      '/openai/v1/chat/completions',
    ]);
  });

  it('uses /openai/v1 for models listed in AWS_BEDROCK_MANTLE_OPENAI_V1_PREFIX_MODELS', async () => {
    const before = gw.simulator.requests.length;
    await client.chat.completions.create({ model: 'sim/frontier-2', messages: [{ role: 'user', content: 'env' }] });
    expect(gw.simulator.requests.slice(before).map((r) => r.path)).toEqual(['/openai/v1/chat/completions']);
  });

  it('lists exactly the caller models', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual([
      'sim/gpt-oss-120b',
      'sim/gpt-5.5',
      'sim/frontier-1',
      'sim/frontier-2',
      'sim/oss-west',
      'sim/mistral-chat-only',
      'sim/sonnet',
      'keyed/oss-keyed',
    ]);
  });
});

describe('route learning across both prefixes', () => {
  let gw: LocalGateway;
  let client: OpenAI;
  beforeAll(async () => {
    gw = await startLocalGateway({
      env: { AWS_BEDROCK_MANTLE_OPENAI_V1_PREFIX_MODELS: 'acme.classic-1' },
      editConfig: (doc) => {
        doc.accounts![0]!.models!.push(
          { modelId: 'acme.frontier-3' },
          { modelId: 'acme.classic-1' },
          { name: 'mistral-open', modelId: 'mistral.mistral-large-3' },
        );
      },
    });
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.tokens.alice, maxRetries: 0 });
  });
  afterAll(() => gw.close());

  const pathsOf = async (calls: () => Promise<unknown>): Promise<string[]> => {
    const before = gw.simulator.requests.length;
    await calls();
    return gw.simulator.requests.slice(before).map((r) => r.path);
  };

  it('retries AWS\'s "isn\'t supported on this route" on /openai/v1 and remembers it', async () => {
    const paths = await pathsOf(async () => {
      await client.chat.completions.create({ model: 'sim/frontier-3', messages: [{ role: 'user', content: 'one' }] });
      await client.chat.completions.create({ model: 'sim/frontier-3', messages: [{ role: 'user', content: 'two' }] });
    });
    expect(paths).toEqual(['/v1/chat/completions', '/openai/v1/chat/completions', '/openai/v1/chat/completions']);
  });

  it('learns per API: what chat learned does not move responses', async () => {
    const paths = await pathsOf(() => client.responses.create({ model: 'sim/frontier-3', input: 'hi' }));
    expect(paths).toEqual(['/v1/responses', '/openai/v1/responses']);
  });

  it('moves the other way too: a model hinted to /openai/v1 but served on /v1', async () => {
    const paths = await pathsOf(async () => {
      await client.chat.completions.create({ model: 'sim/classic-1', messages: [{ role: 'user', content: 'one' }] });
      await client.chat.completions.create({ model: 'sim/classic-1', messages: [{ role: 'user', content: 'two' }] });
    });
    expect(paths).toEqual(['/openai/v1/chat/completions', '/v1/chat/completions', '/v1/chat/completions']);
  });

  it('gives the first refusal when both prefixes refuse, and learns nothing', async () => {
    // Mantle serves this model on /v1 but not for Responses: /v1 says it does not support the path
    // tried, /openai/v1 says the route is wrong; the client hears the first, explained.
    const attempt = () => client.responses.create({ model: 'sim/mistral-open', input: 'x' }).catch((e: unknown) => e);
    let error: unknown;
    const paths = await pathsOf(async () => {
      error = await attempt();
      await attempt();
    });
    expect(paths).toEqual(['/v1/responses', '/openai/v1/responses', '/v1/responses', '/openai/v1/responses']);
    expect(error).toMatchObject({ status: 400, code: 'unsupported_api' });
    expect((error as Error).message).toContain("does not support the '/v1/responses' API");
  });
});
