import { setTopLevelFields } from '../../lambda/surfaces/json-splice';

const splice = (body: string, fields: Record<string, unknown>): string => setTopLevelFields(Buffer.from(body), fields).toString('utf8');

describe('setTopLevelFields', () => {
  it('replaces a member in place and keeps every other byte', () => {
    const body = '{ "seed": 12345678901234567890,\n  "model" : "a/b", "x": [1.50, {"model": "inner"}] }';
    expect(splice(body, { model: 'openai.gpt-oss-120b' })).toBe(
      '{ "seed": 12345678901234567890,\n  "model" : "openai.gpt-oss-120b", "x": [1.50, {"model": "inner"}] }',
    );
  });

  it('inserts a missing member after the opening brace', () => {
    expect(splice('{"model":"m","stream":true}', { stream_options: { include_usage: true } })).toBe(
      '{"stream_options":{"include_usage":true},"model":"m","stream":true}',
    );
  });

  it('inserts into an empty object without a dangling comma', () => {
    expect(JSON.parse(splice(' {} ', { model: 'm' }))).toEqual({ model: 'm' });
  });

  it('skips strings holding braces, quotes and escapes', () => {
    const body = '{"a":"}{\\"model\\": 1","model":"x","b":{"c":"]"}}';
    expect(JSON.parse(splice(body, { model: 'y' }))).toEqual({ a: '}{"model": 1', model: 'y', b: { c: ']' } });
  });

  it('replaces an object value and a literal value', () => {
    const body = '{"stream_options":{"include_usage":false,"x":1},"stream":true}';
    expect(JSON.parse(splice(body, { stream_options: { include_usage: true, x: 1 }, stream: false }))).toEqual({
      stream_options: { include_usage: true, x: 1 },
      stream: false,
    });
  });
});
