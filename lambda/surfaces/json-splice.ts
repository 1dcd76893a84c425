/**
 * Rewrites top-level fields of a JSON object in place, leaving every other byte as the client sent
 * it (whitespace, number spellings, key order, big integers that JSON.parse would round).
 * Written by hand because it is small and on the hot path: one linear scan of the top level.
 * The input must already be known to be a valid JSON object (it was parsed first).
 */

interface Span {
  readonly keyStart: number;
  readonly valueStart: number;
  readonly valueEnd: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function skipWhitespace(buf: Buffer, i: number): number {
  while (i < buf.length) {
    const c = buf[i]!;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}

function skipString(buf: Buffer, i: number): number {
  // buf[i] is the opening quote.
  i++;
  while (i < buf.length) {
    const c = buf[i]!;
    if (c === BACKSLASH) i += 2;
    else if (c === QUOTE) return i + 1;
    else i++;
  }
  return i;
}

function skipValue(buf: Buffer, i: number): number {
  const c = buf[i];
  if (c === QUOTE) return skipString(buf, i);
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    while (i < buf.length) {
      const d = buf[i]!;
      if (d === QUOTE) {
        i = skipString(buf, i);
        continue;
      }
      if (d === 0x7b || d === 0x5b) depth++;
      else if (d === 0x7d || d === 0x5d) {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    return i;
  }
  // number, true, false, null
  while (i < buf.length) {
    const d = buf[i]!;
    if (d === 0x2c || d === 0x7d || d === 0x5d || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09) break;
    i++;
  }
  return i;
}

/** The byte spans of the top-level members of a JSON object. */
function topLevelSpans(buf: Buffer): { spans: Map<string, Span>; open: number } {
  const spans = new Map<string, Span>();
  const open = skipWhitespace(buf, 0);
  let i = open + 1;
  for (;;) {
    i = skipWhitespace(buf, i);
    if (buf[i] !== QUOTE) break;
    const keyStart = i;
    const keyEnd = skipString(buf, i);
    const key = JSON.parse(buf.toString('utf8', keyStart, keyEnd)) as string;
    i = skipWhitespace(buf, keyEnd) + 1; // past ':'
    const valueStart = skipWhitespace(buf, i);
    const valueEnd = skipValue(buf, valueStart);
    spans.set(key, { keyStart, valueStart, valueEnd });
    i = skipWhitespace(buf, valueEnd);
    if (buf[i] === 0x2c) i++;
  }
  return { spans, open };
}

/**
 * Returns `body` with the given top-level members set to new values (JSON-serialised). Members that
 * exist are replaced where they stand; new ones are inserted right after the opening brace.
 */
export function setTopLevelFields(body: Buffer, fields: Readonly<Record<string, unknown>>): Buffer {
  const { spans, open } = topLevelSpans(body);
  const edits: { start: number; end: number; text: string }[] = [];
  const inserted: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    const span = spans.get(key);
    const json = JSON.stringify(value);
    if (span) edits.push({ start: span.valueStart, end: span.valueEnd, text: json });
    else inserted.push(`${JSON.stringify(key)}:${json}`);
  }
  if (inserted.length) {
    const hasMembers = spans.size > 0;
    edits.push({ start: open + 1, end: open + 1, text: inserted.join(',') + (hasMembers ? ',' : '') });
  }
  edits.sort((a, b) => a.start - b.start);
  const parts: Buffer[] = [];
  let at = 0;
  for (const edit of edits) {
    parts.push(body.subarray(at, edit.start), Buffer.from(edit.text));
    at = edit.end;
  }
  parts.push(body.subarray(at));
  return Buffer.concat(parts);
}
