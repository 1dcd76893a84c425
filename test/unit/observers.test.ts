import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { GatewayConfig } from '../../lambda/config/gateway-config';
import { parseConfigDocument } from '../../lambda/config/validate';
import { ExchangeResponseIds } from '../../lambda/endpoints/response-id-codec';
import { OpenAIPrefix } from '../../lambda/kernel/openai-prefix';
import { anthropicMessages } from '../../lambda/surfaces/anthropic-messages';
import { chatCompletions } from '../../lambda/surfaces/chat-completions';
import { Exchange } from '../../lambda/surfaces/exchange';
import { responses } from '../../lambda/surfaces/responses';
import type { ApiSurface, ExchangeObserver } from '../../lambda/surfaces/surface';
import { testConfig } from '../helpers/test-config';

/** SSE answers recorded from the simulator (test/fixtures/sse), split into events as the relay does. */
function events(name: string): Buffer[] {
  const text = readFileSync(join(__dirname, '..', 'fixtures', 'sse', name), 'utf8');
  return text
    .split('\n\n')
    .filter((e) => e.trim() !== '')
    .map((e) => Buffer.from(`${e}\n\n`));
}

function observe(surface: ApiSurface, body: Record<string, unknown>, fixture: string): { observer: ExchangeObserver; out: string[] } {
  const config = new GatewayConfig(
    parseConfigDocument(JSON.stringify({ ...testConfig().document, signingKey: randomBytes(32).toString('base64') }), 't'),
    '{}',
  );
  const model = config.models.find((m) => m.account.name === 'sim')!;
  const exchange = new Exchange(surface, {});
  const ids = new ExchangeResponseIds(
    config,
    { subject: 'user:alice@example.com', tokenId: 't', isAdmin: false, teams: [], via: 'document' as const },
    model.account,
    exchange,
  );
  const prepared = surface.prepare(body, Buffer.from(JSON.stringify(body)), { model, responseIds: ids });
  exchange.target({ account: model.account.name, model, region: model.region }, true);
  exchange.routed(OpenAIPrefix.v1, undefined);
  const out: string[] = [];
  for (const event of events(fixture)) {
    const passed = prepared.observer.event(event);
    if (passed) out.push(passed.toString('utf8'));
  }
  return { observer: prepared.observer, out };
}

describe('observers on recorded streams', () => {
  it('Chat Completions: reads the usage chunk, drops it when the client did not ask, sees [DONE]', () => {
    const { observer, out } = observe(chatCompletions, { model: 'x', stream: true, messages: [] }, 'chat-completions.sse');
    expect(observer.usage()).toEqual({ inputTokens: 11, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 19, reasoningTokens: 7 });
    expect(observer.completed()).toBe(true);
    expect(observer.failure()).toBeUndefined();
    expect(out.some((e) => e.includes('"choices":[]'))).toBe(false);
    expect(out.at(-1)).toBe('data: [DONE]\n\n');
    // Reasoning deltas are mirrored as reasoning_content.
    expect(out.some((e) => e.includes('"reasoning_content"'))).toBe(true);
  });

  it('Chat Completions: keeps the usage chunk when the client asked for it', () => {
    const { out } = observe(chatCompletions, { model: 'x', stream: true, stream_options: { include_usage: true }, messages: [] }, 'chat-completions.sse');
    expect(out.some((e) => e.includes('"choices":[]'))).toBe(true);
  });

  it("Responses: usage from response.completed, Mantle's ids swapped for the gateway's in every event", () => {
    const { observer, out } = observe(responses, { model: 'x', stream: true, input: 'hi' }, 'responses.sse');
    expect(observer.usage()).toEqual({ inputTokens: 5, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 18, reasoningTokens: 6 });
    expect(observer.completed()).toBe(true);
    expect(out.join('')).not.toContain('resp_sim');
    expect(out.join('')).toContain('resp_mgw1');
  });

  it('Messages: input counts cache reads and writes, output from message_delta', () => {
    const { observer } = observe(anthropicMessages, { model: 'x', stream: true, max_tokens: 50, messages: [] }, 'messages.sse');
    expect(observer.usage()).toEqual({ inputTokens: 6 + 4 + 3, cachedInputTokens: 4, cacheWriteTokens: 3, outputTokens: 12, reasoningTokens: 0 });
    expect(observer.completed()).toBe(true);
  });

  it('a stream cut before its end is not completed', () => {
    const config = new GatewayConfig(parseConfigDocument(JSON.stringify(testConfig().document), 't'), '{}');
    const model = config.models[0]!;
    const exchange = new Exchange(chatCompletions, {});
    const prepared = chatCompletions.prepare({ stream: true }, Buffer.from('{"stream":true}'), {
      model,
      responseIds: new ExchangeResponseIds(
        config,
        { subject: 'user:a@example.com', tokenId: 't', isAdmin: false, teams: [], via: 'document' as const },
        model.account,
        exchange,
      ),
    });
    for (const event of events('chat-completions.sse').slice(0, 5)) prepared.observer.event(event);
    expect(prepared.observer.completed()).toBe(false);
    expect(prepared.observer.usage()).toBeUndefined();
  });
});
