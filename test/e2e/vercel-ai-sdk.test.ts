import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, streamText } from 'ai';
import { startLocalGateway, type LocalGateway } from '../helpers/local-gateway';

(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

describe('the Vercel AI SDK through the gateway', () => {
  let gw: LocalGateway;
  beforeAll(async () => {
    gw = await startLocalGateway();
  });
  afterAll(() => gw.close());

  it('generates and streams text with @ai-sdk/openai (Responses)', async () => {
    const openai = createOpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.tokens.alice });
    const generated = await generateText({ model: openai('sim/gpt-oss-120b'), prompt: 'Hello AI SDK', maxRetries: 0 });
    expect(generated.text).toContain('Hello from openai.gpt-oss-120b');
    const streamed = streamText({ model: openai('sim/gpt-oss-120b'), prompt: 'Stream AI SDK', maxRetries: 0 });
    let text = '';
    for await (const part of streamed.textStream) text += part;
    expect(text).toContain('Hello from openai.gpt-oss-120b');
  });

  it('generates with @ai-sdk/openai chat models (Chat Completions)', async () => {
    const openai = createOpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.tokens.alice });
    const generated = await generateText({ model: openai.chat('sim/gpt-oss-120b'), prompt: 'Chat AI SDK', maxRetries: 0 });
    expect(generated.text).toContain('Hello from openai.gpt-oss-120b');
    expect(gw.simulator.requests.at(-1)!.path).toBe('/v1/chat/completions');
  });

  it('generates and streams text with @ai-sdk/anthropic', async () => {
    const anthropic = createAnthropic({ baseURL: `${gw.url}/v1`, apiKey: gw.tokens.alice });
    const generated = await generateText({ model: anthropic('sim/sonnet'), prompt: 'Hello Claude via AI SDK', maxOutputTokens: 100, maxRetries: 0 });
    expect(generated.text).toContain('anthropic.claude-sonnet-4-6');
    const streamed = streamText({ model: anthropic('sim/sonnet'), prompt: 'Stream Claude', maxOutputTokens: 100, maxRetries: 0 });
    let text = '';
    for await (const part of streamed.textStream) text += part;
    expect(text).toContain('anthropic.claude-sonnet-4-6');
  });
});
