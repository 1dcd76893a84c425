import fc from 'fast-check';
import { isAnthropicError, isOpenAIError } from '../helpers/error-shapes';
import { call, rawPathCall } from '../helpers/http';
import { startLocalGateway, type LocalGateway } from '../helpers/local-gateway';

/**
 * Property-based: whatever a client sends, the gateway never crashes, never answers 500 for the
 * client's mistake, and always answers errors in the surface's own format.
 */
const RUNS = 120;
fc.configureGlobal({ seed: 20261125, numRuns: RUNS });

const PATHS = ['/v1/chat/completions', '/v1/responses', '/v1/messages', '/v1/messages/count_tokens'] as const;
const printable = (max: number) => fc.stringMatching(new RegExp(`^[\\x20-\\x7e]{0,${max}}$`));

describe('hostile input (property-based)', () => {
  let gw: LocalGateway;
  beforeAll(async () => {
    gw = await startLocalGateway({ env: { MAX_REQUEST_BYTES: '20000', UPSTREAM_MAX_ATTEMPTS: '1' } });
  });
  afterAll(() => gw.close());

  // Every request of the body property carries anthropic-version: Anthropic errors on every path (SPEC §1).
  const inFormat = (path: string, status: number, json: unknown, anthropicVersion = true): boolean =>
    status < 400 ? true : path.startsWith('/v1/messages') || anthropicVersion ? isAnthropicError(json) : isOpenAIError(json);

  const body = fc.oneof(
    fc.string(),
    fc.json(),
    fc
      .record(
        {
          model: fc.oneof(
            fc.constant('sim/gpt-oss-120b'),
            fc.constant('sim/sonnet'),
            fc.constant('gpt-oss-120b'),
            printable(40),
            fc.integer(),
            fc.constant(null),
            fc.array(fc.string()),
          ),
          messages: fc.oneof(fc.constant([{ role: 'user', content: 'hi' }]), fc.anything()),
          input: fc.oneof(fc.constant('hi'), fc.anything()),
          stream: fc.oneof(fc.boolean(), fc.anything()),
          stream_options: fc.anything(),
          max_tokens: fc.anything(),
          previous_response_id: fc.oneof(printable(80), fc.anything()),
        },
        { requiredKeys: [] },
      )
      .map((o) => JSON.stringify(o)),
  );

  it('answers any body on any inference path without a 500, in the surface’s format', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PATHS), body, async (path, text) => {
        const res = await call(`${gw.url}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${gw.tokens.alice}`, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
          body: text,
        });
        expect(res.status).not.toBe(500);
        expect(res.status).toBeLessThan(500);
        expect(inFormat(path, res.status, res.json)).toBe(true);
      }),
    );
  });

  it('answers any headers without a 500, in the surface’s format', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...PATHS, '/v1/models'),
        fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/), printable(300), { maxKeys: 6 }),
        fc.oneof(fc.constant(undefined), printable(200), fc.constant(`Bearer ${'x'.repeat(5000)}`)),
        async (path, headers, authorization) => {
          const res = await call(`${gw.url}${path}`, {
            method: path === '/v1/models' ? 'GET' : 'POST',
            headers: { ...headers, ...(authorization === undefined ? {} : { authorization }) },
            ...(path === '/v1/models' ? {} : { body: '{"model":"sim/gpt-oss-120b","messages":[]}' }),
          });
          expect(res.status).toBeLessThan(500);
          const anthropic = path.startsWith('/v1/messages') || Object.keys(headers).includes('anthropic-version');
          if (res.status >= 400) expect(anthropic ? isAnthropicError(res.json) : isOpenAIError(res.json)).toBe(true);
        },
      ),
    );
  });

  it('answers any path and method with 404/405 (or the route’s own answer), never a 500', async () => {
    const segment = fc.oneof(
      fc.constantFrom('v1', 'admin', 'responses', 'models', '..', '.', '', '%2F', '%2e%2e', 'chat', 'completions', 'messages', 'healthz'),
      fc.stringMatching(/^[A-Za-z0-9._~%-]{1,12}$/),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
        fc.array(segment, { minLength: 1, maxLength: 6 }),
        async (method, segments) => {
          const path = `/${segments.join('/')}`;
          const res = await rawPathCall(
            gw.url,
            method,
            path,
            { authorization: `Bearer ${gw.tokens.alice}`, 'content-type': 'application/json' },
            method === 'GET' ? '' : '{}',
          );
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) expect(path.startsWith('/v1/messages') ? isAnthropicError(res.json) : isOpenAIError(res.json)).toBe(true);
        },
      ),
    );
  });

  it('refuses a body over MAX_REQUEST_BYTES with 413 in the surface’s format', async () => {
    const big = JSON.stringify({ model: 'sim/gpt-oss-120b', messages: [{ role: 'user', content: 'x'.repeat(30_000) }] });
    for (const path of PATHS) {
      const res = await call(`${gw.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${gw.tokens.alice}`, 'content-type': 'application/json' },
        body: big,
      });
      expect(res.status).toBe(413);
      expect(inFormat(path, 413, res.json, false)).toBe(true);
    }
  });
});
