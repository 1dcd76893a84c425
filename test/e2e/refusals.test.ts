import OpenAI from 'openai';
import { AUTHENTICATION_MESSAGE } from '../../lambda/kernel/errors';
import { call, rawPathCall } from '../helpers/http';
import { startLocalGateway, type LocalGateway } from '../helpers/local-gateway';

describe('refusals and bad input', () => {
  let gw: LocalGateway;
  const chat = (token: string, body: unknown, headers: Record<string, string> = {}) =>
    call(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const hello = { model: 'sim/gpt-oss-120b', messages: [{ role: 'user', content: 'hi' }] };

  beforeAll(async () => {
    gw = await startLocalGateway();
  });
  afterAll(() => gw.close());

  describe('authentication', () => {
    it.each([
      ['missing', undefined],
      ['unknown', 'mgw_notARealTokenAtAll'],
      ['not a gateway token', 'sk-live-123'],
      ['expired', 'expired'],
      ['revoked', 'revoked'],
    ])('refuses a %s token with 401 and the same message', async (_label, which) => {
      const token = which === 'expired' || which === 'revoked' ? gw.tokens[which] : which;
      const res = await call(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(hello),
      });
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ error: { message: AUTHENTICATION_MESSAGE, type: 'authentication_error', param: null, code: 'invalid_api_key' } });
    });

    it('surfaces a refused token as AuthenticationError in the openai client', async () => {
      const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.tokens.revoked, maxRetries: 0 });
      await expect(client.chat.completions.create({ model: 'sim/gpt-oss-120b', messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(
        OpenAI.AuthenticationError,
      );
    });

    it('accepts the token in x-api-key', async () => {
      const res = await call(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'x-api-key': gw.tokens.alice, 'content-type': 'application/json' },
        body: JSON.stringify(hello),
      });
      expect(res.status).toBe(200);
      expect(res.json.object).toBe('chat.completion');
    });

    it('answers a chat error in the Anthropic format when the request carries anthropic-version', async () => {
      const res = await chat(gw.tokens.alice, '{"model": ', { 'anthropic-version': '2023-06-01' });
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: 'The request body is not valid JSON.' } });
    });

    it('answers 401 in the Anthropic format when the request carries anthropic-version', async () => {
      const res = await call(`${gw.url}/v1/models`, { headers: { 'anthropic-version': '2023-06-01', 'x-api-key': 'mgw_nope' } });
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ type: 'error', error: { type: 'authentication_error', message: AUTHENTICATION_MESSAGE } });
    });
  });

  describe('authorization and model resolution', () => {
    it('answers 404 model_not_found for a model of an account the caller does not collaborate on', async () => {
      const res = await chat(gw.tokens.alice, { ...hello, model: 'private/private-oss' });
      expect(res.status).toBe(404);
      expect(res.json.error).toMatchObject({ code: 'model_not_found', param: 'model', type: 'invalid_request_error' });
    });

    it('answers the same 404 for a model that does not exist', async () => {
      const missing = await chat(gw.tokens.alice, { ...hello, model: 'private/nothing-here' });
      const foreign = await chat(gw.tokens.alice, { ...hello, model: 'private/private-oss' });
      expect(missing.status).toBe(404);
      expect(missing.json.error.message.replace('private/nothing-here', 'X')).toBe(foreign.json.error.message.replace('private/private-oss', 'X'));
    });

    it('lets the collaborator use the model alice cannot', async () => {
      const res = await chat(gw.tokens.bob, { ...hello, model: 'private/private-oss' });
      expect(res.status).toBe(200);
    });

    it('lets an admin use every account', async () => {
      const res = await chat(gw.tokens.admin, { ...hello, model: 'private/private-oss' });
      expect(res.status).toBe(200);
    });

    it('refuses an ambiguous bare model id with 400 listing the candidates', async () => {
      // Admins see both sim/gpt-oss-120b and private/private-oss, which share the Mantle id.
      const res = await chat(gw.tokens.admin, { ...hello, model: 'openai.gpt-oss-120b' });
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe('ambiguous_model');
      expect(res.json.error.message).toContain('sim/gpt-oss-120b');
      expect(res.json.error.message).toContain('private/private-oss');
    });

    it('resolves a bare Mantle model id when only one usable account offers it', async () => {
      const res = await chat(gw.tokens.alice, { ...hello, model: 'openai.gpt-oss-120b' });
      expect(res.status).toBe(200);
      expect(res.json.model).toBe('openai.gpt-oss-120b');
    });

    it('lists no models for a subject in no account', async () => {
      const res = await call(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${gw.tokens.carol}` } });
      expect(res.json).toEqual({ object: 'list', data: [] });
    });

    it('lists models in the Anthropic shape when asked with anthropic-version', async () => {
      const res = await call(`${gw.url}/v1/models`, { headers: { 'x-api-key': gw.tokens.bob, 'anthropic-version': '2023-06-01' } });
      expect(res.json).toEqual({
        data: [{ type: 'model', id: 'private/private-oss', display_name: 'private/private-oss', created_at: '2026-01-01T00:00:00.000Z' }],
        has_more: false,
        first_id: 'private/private-oss',
        last_id: 'private/private-oss',
      });
    });

    it('refuses a model on an API its apis list does not allow, before any upstream call', async () => {
      const before = gw.simulator.requests.length;
      const res = await chat(gw.tokens.alice, { ...hello, model: 'sim/sonnet' });
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe('unsupported_api');
      expect(gw.simulator.requests.length).toBe(before);
    });
  });

  describe('bad input', () => {
    it('refuses a body that is not JSON with 400 in the OpenAI format', async () => {
      const res = await chat(gw.tokens.alice, '{"model": ');
      expect(res.status).toBe(400);
      expect(res.json.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_json' });
    });

    it.each([
      ['a JSON array', '[1,2]'],
      ['a JSON string', '"hello"'],
      ['an empty body', ''],
    ])('refuses %s as the body', async (_label, body) => {
      const res = await chat(gw.tokens.alice, body);
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe('invalid_json');
    });

    it('refuses a missing model', async () => {
      const res = await chat(gw.tokens.alice, { messages: [] });
      expect(res.status).toBe(400);
      expect(res.json.error).toMatchObject({ param: 'model', code: 'missing_required_parameter' });
    });

    it('refuses a non-string model', async () => {
      const res = await chat(gw.tokens.alice, { model: 42, messages: [] });
      expect(res.status).toBe(400);
      expect(res.json.error).toMatchObject({ param: 'model', code: 'invalid_type' });
    });

    it('refuses a non-JSON content type', async () => {
      const res = await chat(gw.tokens.alice, JSON.stringify(hello), { 'content-type': 'text/plain' });
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe('unsupported_content_type');
    });

    it('answers 404 in the OpenAI format for an unknown path', async () => {
      const res = await call(`${gw.url}/v1/engines`, { headers: { authorization: `Bearer ${gw.tokens.alice}` } });
      expect(res.status).toBe(404);
      expect(res.json.error.code).toBe('unknown_route');
    });

    it('answers 405 with Allow for a wrong method', async () => {
      const res = await call(`${gw.url}/v1/chat/completions`, { headers: { authorization: `Bearer ${gw.tokens.alice}` } });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
      expect(res.json.error.code).toBe('method_not_allowed');
    });

    it.each(['/v1/../healthz', '/v1/chat%2Fcompletions', '/v1//chat/completions', '/v1/./models'])('matches no route for the path trick %s', async (path) => {
      const res = await rawPathCall(gw.url, 'POST', path, { authorization: `Bearer ${gw.tokens.alice}` }, '{}');
      expect(res.status).toBe(404);
      expect(res.json.error.code).toBe('unknown_route');
    });

    it('refuses oversized headers before the function runs (431), and never crashes', async () => {
      const res = await rawPathCall(gw.url, 'POST', '/v1/chat/completions', { authorization: `Bearer ${gw.tokens.alice}`, 'x-big': 'a'.repeat(20_000) }, '{}');
      expect(res.status).toBe(431);
      const after = await call(`${gw.url}/healthz`);
      expect(after.status).toBe(200);
    });

    it('answers /healthz without a token', async () => {
      const res = await call(`${gw.url}/healthz`);
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ status: 'ok' });
    });
  });

  describe('what reaches Mantle', () => {
    it('forwards only the allowed client headers, and the project from the configuration', async () => {
      await chat(gw.tokens.alice, hello, {
        cookie: 'session=1',
        'x-amz-security-token': 'client-token',
        'openai-project': 'proj_client',
        'idempotency-key': 'idem-1',
        'x-custom': 'nope',
      });
      const seen = gw.simulator.requests.at(-1)!.headers;
      expect(seen['cookie']).toBeUndefined();
      expect(seen['x-custom']).toBeUndefined();
      expect(seen['x-amz-security-token']).toBeUndefined();
      expect(seen['openai-project']).toBe('proj_sim123');
      expect(seen['idempotency-key']).toBe('idem-1');
      expect(String(seen['authorization'])).toMatch(/^AWS4-HMAC-SHA256 /);
    });

    it('forwards the body byte for byte except the model', async () => {
      const body = '{"messages":[{"role":"user","content":"hi"}],  "model" : "sim/gpt-oss-120b", "seed": 12345678901234567890, "unknown_field": {"x": 1.50}}';
      const res = await chat(gw.tokens.alice, body);
      expect(res.status).toBe(200);
      const seen = gw.simulator.requests.at(-1)!;
      expect(seen.body!.unknown_field).toEqual({ x: 1.5 });
      expect(seen.body!.model).toBe('openai.gpt-oss-120b');
    });
  });
});
