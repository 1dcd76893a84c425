import { AuthenticationError, InvalidRequestError } from '../../lambda/kernel/errors';
import { OpenAIPrefix } from '../../lambda/kernel/openai-prefix';
import { anthropicMessages } from '../../lambda/surfaces/anthropic-messages';
import { chatCompletions } from '../../lambda/surfaces/chat-completions';
import { Exchange, ExchangeStateError } from '../../lambda/surfaces/exchange';
import { PlainSurface } from '../../lambda/surfaces/plain';

describe('the exchange of one request', () => {
  it("takes its surface's error format, or Anthropic's for a request carrying anthropic-version", () => {
    expect(new Exchange(chatCompletions, {}).errorFormat.name).toBe('openai');
    expect(new Exchange(chatCompletions, { 'anthropic-version': '2023-06-01' }).errorFormat.name).toBe('anthropic');
    expect(new Exchange(anthropicMessages, {}).anthropic).toBe(true);
    expect(new Exchange(PlainSurface.models, { 'anthropic-version': '2023-06-01' }).anthropic).toBe(true);
  });

  it('learns its route and its answer once', () => {
    const exchange = new Exchange(chatCompletions, {});
    exchange.target({ account: 'a', region: 'us-east-1' }, true);
    expect(() => exchange.target({ account: 'b', region: 'us-east-1' }, true)).toThrow(ExchangeStateError);
    exchange.routed(OpenAIPrefix.openaiV1, 'req-1');
    expect(() => exchange.routed(OpenAIPrefix.v1, 'req-2')).toThrow(ExchangeStateError);
    exchange.answered({ usage: undefined });
    expect(() => exchange.answered({ usage: undefined })).toThrow(ExchangeStateError);
  });

  it('ends in one frozen outcome', () => {
    const exchange = new Exchange(chatCompletions, {});
    exchange.identify('user:a@example.com');
    exchange.target({ account: 'a', region: 'us-east-1' }, true);
    exchange.routed(OpenAIPrefix.v1, 'up-1');
    exchange.answered({
      usage: { inputTokens: 3, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 2, reasoningTokens: 0 },
      firstByteMs: 5,
      inBandError: 'stream_idle_timeout',
      partial: true,
    });
    exchange.note('limit', 'rpm');
    const outcome = exchange.end(200);
    expect(outcome).toMatchObject({
      status: 200,
      subject: 'user:a@example.com',
      operation: 'chat',
      stream: true,
      upstreamRequestId: 'up-1',
      error: 'stream_idle_timeout',
      inBandError: true,
      partial: true,
      notes: { limit: 'rpm' },
    });
    expect(outcome.route?.prefix).toBe(OpenAIPrefix.v1);
    expect(Object.isFrozen(outcome)).toBe(true);
    expect(exchange.end(500)).toBe(outcome);
  });

  it('marks refused tokens as auth failures and keeps the error code', () => {
    expect(new Exchange(chatCompletions, {}).end(401, new AuthenticationError())).toMatchObject({
      authFailed: true,
      error: 'invalid_api_key',
      inBandError: false,
    });
    expect(new Exchange(chatCompletions, {}).end(400, new InvalidRequestError('x', 'duplicate_key'))).toMatchObject({
      authFailed: false,
      error: 'duplicate_key',
    });
  });
});
