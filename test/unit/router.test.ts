import { MethodNotAllowedError, NotFoundError } from '../../lambda/kernel/errors';
import { Router } from '../../lambda/http/router';

describe('router', () => {
  const router = new Router<string>([
    { pattern: '/v1/responses', methods: { POST: 'create' } },
    { pattern: '/v1/responses/{id}', methods: { GET: 'get', DELETE: 'delete' } },
    { pattern: '/v1/responses/{id}/input_items', methods: { GET: 'items' } },
  ]);

  it('matches method and path and extracts parameters', () => {
    expect(router.match('POST', '/v1/responses')).toEqual({ handler: 'create', params: {} });
    expect(router.match('GET', '/v1/responses/resp_1')).toEqual({ handler: 'get', params: { id: 'resp_1' } });
    expect(router.match('GET', '/v1/responses/resp_1/input_items')).toEqual({ handler: 'items', params: { id: 'resp_1' } });
  });

  it('answers 405 with the allowed methods for a known path', () => {
    try {
      router.match('PUT', '/v1/responses/x');
      throw new Error('matched');
    } catch (error) {
      expect(error).toBeInstanceOf(MethodNotAllowedError);
      expect((error as MethodNotAllowedError).headers).toEqual({ allow: 'GET, DELETE' });
    }
  });

  it.each(['/v1/responses/', '/v1//responses', '/v1/responses/../admin', '/v1/responses/./x', '/v1/responses/a%2Fb', '/v1/responses/a b', '/other'])(
    'matches nothing for %s',
    (path) => {
      expect(() => router.match('GET', path)).toThrow(NotFoundError);
    },
  );
});
