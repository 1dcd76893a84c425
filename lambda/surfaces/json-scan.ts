/**
 * Cheap reads and edits of JSON text, for the hot path of relayed answers: pulling one member out
 * without parsing the whole document, and mirroring a string member next to itself. Written by hand
 * because they are small and run on every answer (a full parse and re-serialisation of each frame
 * is what they avoid).
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The text of the first `"key": { … }` object value in `text`, or undefined. String-aware. */
export function objectMember(text: string, key: string): string | undefined {
  const needle = `"${key}"`;
  let at = text.indexOf(needle);
  while (at !== -1) {
    let i = at + needle.length;
    while (text.charCodeAt(i) === 0x20) i++;
    if (text.charCodeAt(i) === 0x3a) {
      i++;
      while (text.charCodeAt(i) === 0x20) i++;
      if (text.charCodeAt(i) !== 0x7b) return undefined; // null or another type
      const start = i;
      let depth = 0;
      for (; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === QUOTE) {
          for (i++; i < text.length && text.charCodeAt(i) !== QUOTE; i++) if (text.charCodeAt(i) === BACKSLASH) i++;
        } else if (c === 0x7b) depth++;
        else if (c === 0x7d && --depth === 0) return text.slice(start, i + 1);
      }
      return undefined;
    }
    at = text.indexOf(needle, at + 1);
  }
  return undefined;
}

/** `"reasoning":"…"` as a JSON string member; an escaped quote inside a string can never match it. */
const REASONING_MEMBER = /"reasoning"(\s*:\s*)("(?:[^"\\]|\\.)*")/g;

/**
 * Adds `"reasoning_content": <same string>` after every string-valued `"reasoning"` member, unless
 * the text already carries `reasoning_content`. Returns the text unchanged when there is nothing to do.
 */
export function mirrorReasoningText(text: string): string {
  if (text.includes('"reasoning_content"')) return text;
  return text.replace(REASONING_MEMBER, '"reasoning"$1$2,"reasoning_content":$2');
}
