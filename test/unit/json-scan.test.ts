import { mirrorReasoningText, objectMember } from '../../lambda/surfaces/json-scan';

describe('objectMember', () => {
  it('returns the text of an object member, skipping strings with braces and quotes', () => {
    const text = '{"choices":[{"message":{"content":"a } \\" { b"}}],"usage" : {"prompt_tokens":3,"details":{"x":"}"}}}';
    expect(JSON.parse(objectMember(text, 'usage')!)).toEqual({ prompt_tokens: 3, details: { x: '}' } });
  });

  it('is undefined for a null or missing member', () => {
    expect(objectMember('{"usage":null}', 'usage')).toBeUndefined();
    expect(objectMember('{"other":{}}', 'usage')).toBeUndefined();
  });

  it('skips a key that only appears inside a string value', () => {
    expect(JSON.parse(objectMember('{"content":"\\"usage\\": {}","usage":{"a":1}}', 'usage')!)).toEqual({ a: 1 });
  });
});

describe('mirrorReasoningText', () => {
  it('adds reasoning_content next to each string reasoning member', () => {
    const text = '{"choices":[{"delta":{"reasoning":"Let \\"me\\" think"}}]}';
    expect(JSON.parse(mirrorReasoningText(text))).toEqual({ choices: [{ delta: { reasoning: 'Let "me" think', reasoning_content: 'Let "me" think' } }] });
  });

  it('leaves text alone when reasoning_content is already there', () => {
    const text = '{"reasoning":"a","reasoning_content":"a"}';
    expect(mirrorReasoningText(text)).toBe(text);
  });

  it('does not touch a quoted "reasoning" inside content, or a non-string reasoning member', () => {
    const text = '{"content":"he said \\"reasoning\\":\\"x\\"","reasoning":{"effort":"low"},"usage":{"completion_tokens_details":{"reasoning_tokens":3}}}';
    expect(mirrorReasoningText(text)).toBe(text);
  });
});
