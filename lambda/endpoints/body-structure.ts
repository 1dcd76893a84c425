/**
 * Structural checks of a request body that JSON.parse does not make: a key repeated at the top
 * level or inside `stream_options` (JSON.parse keeps the last, Mantle may read the first, so what the
 * gateway authorised and priced would not be what runs), and nesting deep enough to exhaust a
 * recursive walker. Written by hand because it runs on every request: one pass over the text that
 * skips string contents with indexOf (prompt text is most of a body), run only on text that
 * JSON.parse accepted.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;

/** Nesting a request body may have: far beyond any real request, far below a stack overflow. */
export const MAX_BODY_DEPTH = 128;

/** What is wrong with a body's structure, if anything. */
export type BodyStructureProblem = { readonly kind: 'duplicate-key'; readonly key: string; readonly path: string } | { readonly kind: 'too-deep' };

/** The index of the quote that closes the string opening at `start`. */
function stringEnd(text: string, start: number): number {
  let j = start + 1;
  for (;;) {
    j = text.indexOf('"', j);
    let k = j - 1;
    while (text.charCodeAt(k) === BACKSLASH) k--;
    if ((j - 1 - k) % 2 === 0) return j;
    j++;
  }
}

/** Checks valid JSON text for repeated keys (top level and `stream_options`) and nesting depth. */
export function bodyStructureProblem(text: string, maxDepth: number = MAX_BODY_DEPTH): BodyStructureProblem | undefined {
  const objects: boolean[] = []; // per open container: true for an object
  let expectKey = false;
  let topKeys: Set<string> | undefined;
  let optionKeys: Set<string> | undefined;
  let lastTopKey: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (expectKey) {
        expectKey = false;
        const raw = text.slice(i + 1, end);
        // Keys are compared after unescaping: "model" and "mod\u0065l" are one key.
        const key = raw.includes('\\') ? (JSON.parse(text.slice(i, end + 1)) as string) : raw;
        const depth = objects.length;
        if (depth === 1) {
          if (topKeys!.has(key)) return { kind: 'duplicate-key', key, path: key };
          topKeys!.add(key);
          lastTopKey = key;
        } else if (depth === 2 && optionKeys) {
          if (optionKeys.has(key)) return { kind: 'duplicate-key', key, path: `stream_options.${key}` };
          optionKeys.add(key);
        }
      }
      i = end;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      const isObject = c === OPEN_OBJECT;
      objects.push(isObject);
      if (objects.length > maxDepth) return { kind: 'too-deep' };
      expectKey = isObject;
      if (objects.length === 1) topKeys = new Set();
      // An object opening at depth 2 inside the top object is the value of the key read last.
      else if (objects.length === 2 && isObject && objects[0] && lastTopKey === 'stream_options') optionKeys = new Set();
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      objects.pop();
      if (objects.length < 2) optionKeys = undefined;
      expectKey = false;
    } else if (c === COMMA) {
      expectKey = objects[objects.length - 1] === true;
    }
  }
  return undefined;
}
