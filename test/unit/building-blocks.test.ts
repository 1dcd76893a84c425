import { randomBytes } from 'node:crypto';
import { GatewayConfig } from '../../lambda/config/gateway-config';
import { parseConfigDocument } from '../../lambda/config/validate';
import { roleSessionName, MAX_ROLE_SESSION_NAME_LENGTH } from '../../lambda/credentials/role-session-name';
import { decodeResponseId, encodeResponseId, subjectHash } from '../../lambda/routing/response-ids';
import { OpenAIPrefix } from '../../lambda/kernel/openai-prefix';
import { redactArns } from '../../lambda/kernel/redact';
import { backoffMs, MAX_BACKOFF_MS, retryAfterMs } from '../../lambda/upstream/retry-policy';
import { costUsd } from '../../lambda/usage/cost';
import { RequestRecord } from '../../lambda/usage/request-record';
import { Exchange } from '../../lambda/surfaces/exchange';
import { chatCompletions } from '../../lambda/surfaces/chat-completions';
import { testConfig } from '../helpers/test-config';

describe('response ids', () => {
  const key = randomBytes(32);
  const ref = { account: 'prod', region: 'us-west-2', prefix: OpenAIPrefix.openaiV1, upstreamId: 'resp_abc123', subject: 'user:alice@example.com' };

  it('round-trips account, region, prefix, subject hash and Mantle’s id', () => {
    const id = encodeResponseId(key, ref);
    expect(id).toMatch(/^resp_mgw1[A-Za-z0-9_-]+$/);
    expect(decodeResponseId(key, id)).toEqual({
      account: 'prod',
      region: 'us-west-2',
      prefix: OpenAIPrefix.openaiV1,
      upstreamId: 'resp_abc123',
      subjectHash: subjectHash('user:alice@example.com'),
    });
  });

  it('refuses an id altered anywhere, cut short, or made with another key', () => {
    const id = encodeResponseId(key, ref);
    for (let i = 'resp_mgw1'.length; i < id.length; i += 7) {
      const altered = id.slice(0, i) + (id[i] === 'A' ? 'B' : 'A') + id.slice(i + 1);
      expect(decodeResponseId(key, altered)).toBeUndefined();
    }
    expect(decodeResponseId(key, id.slice(0, -4))).toBeUndefined();
    expect(decodeResponseId(randomBytes(32), id)).toBeUndefined();
    expect(decodeResponseId(key, 'resp_abc123')).toBeUndefined();
  });
});

describe('role session names', () => {
  it('names the subject in STS’s charset', () => {
    expect(roleSessionName('user:alice@example.com')).toBe('mgw-user.alice@example.com');
    expect(roleSessionName('service:batch jobs/#1')).toMatch(/^mgw-service\.batch-jobs--1-[0-9a-f]{10}$/);
  });

  it('keeps subjects apart that sanitise to the same characters', () => {
    const names = ['user:a-b', 'user:a:b', 'user:a*b', 'user:a b'].map(roleSessionName);
    expect(new Set(names).size).toBe(4);
    expect(names[0]).toBe('mgw-user.a-b');
    for (const name of names) expect(name).toMatch(/^[\w+=,.@-]{1,64}$/);
  });

  it('cuts long subjects to 64 characters, keeping different subjects distinct', () => {
    const a = roleSessionName(`user:${'a'.repeat(100)}@example.com`);
    const b = roleSessionName(`user:${'a'.repeat(100)}@example.org`);
    expect(a.length).toBeLessThanOrEqual(MAX_ROLE_SESSION_NAME_LENGTH);
    expect(a).toMatch(/^[\w+=,.@-]+$/);
    expect(a).not.toBe(b);
  });
});

describe('retry policy', () => {
  it('reads Retry-After in seconds or as an HTTP date, and ignores garbage', () => {
    expect(retryAfterMs('7')).toBe(7000);
    expect(retryAfterMs(new Date(Date.now() + 3000).toUTCString(), Date.now())).toBeGreaterThan(1000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });

  it('backs off with full jitter, doubling up to the cap', () => {
    expect(backoffMs(1, () => 0.999)).toBe(99);
    expect(backoffMs(3, () => 0.999)).toBe(399);
    expect(backoffMs(20, () => 0.999)).toBe(MAX_BACKOFF_MS - 2);
    expect(backoffMs(2, () => 0)).toBe(0);
  });
});

describe('cost', () => {
  const usage = { inputTokens: 1_000_000, cachedInputTokens: 200_000, cacheWriteTokens: 100_000, outputTokens: 500_000, reasoningTokens: 100_000 };

  it('prices uncached input, cache reads, cache writes and output apart', () => {
    expect(costUsd(usage, { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 })).toBeCloseTo(0.7 * 3 + 0.2 * 0.3 + 0.1 * 3.75 + 0.5 * 15, 12);
  });

  it('falls back to the input price for missing cache prices', () => {
    expect(costUsd(usage, { input: 2, output: 10 })).toBeCloseTo(1 * 2 + 0.5 * 10, 12);
  });

  it('records tokens but no cost, and PriceKnown 0, for a model with no known price', () => {
    const config = new GatewayConfig(parseConfigDocument(JSON.stringify(testConfig().document), 'test'), '{}');
    const lines: string[] = [];
    const record = new RequestRecord('req-1', performance.now(), 'MantleGateway', (line) => lines.push(line));
    const model = config.models.find((m) => m.model.modelId === 'acme.frontier-1')!;
    const exchange = new Exchange(chatCompletions, {});
    exchange.target({ account: model.account.name, model, region: model.region }, false);
    exchange.answered({ usage });
    record.finish(exchange.end(200));
    record.finish(exchange.end(200)); // written once
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      PriceKnown: 0,
      CostUSD: 0,
      InputTokens: 1_000_000,
      OutputTokens: 500_000,
      Account: 'sim',
      Model: 'frontier-1',
    });
  });
});

describe('ARN redaction', () => {
  it('removes principal ARNs from upstream messages', () => {
    expect(
      redactArns(
        'User: arn:aws:sts::123456789012:assumed-role/Gateway/session is not authorized on arn:aws:bedrock-mantle:us-east-1:123456789012:project/default',
      ),
    ).toBe('User: [redacted ARN] is not authorized on [redacted ARN]');
  });
});
