/** Small helpers for Server-Sent Events frames. */

/** The `data` of one SSE event (multiple data lines joined with "\n"), or undefined when it has none. */
export function sseData(raw: Buffer): string | undefined {
  const text = raw.toString('utf8');
  let data: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('data:')) {
      const value = line.charCodeAt(5) === 0x20 ? line.slice(6) : line.slice(5);
      data = data === undefined ? value : `${data}\n${value}`;
    }
  }
  return data;
}

/** The `event:` name of one SSE event, if any. */
export function sseEventName(raw: Buffer): string | undefined {
  const match = /^event:\s?(.*)$/m.exec(raw.toString('utf8'));
  return match?.[1]?.replace(/\r$/, '');
}

/** Serialises an SSE event. */
export function sseFrame(data: string, event?: string): Buffer {
  return Buffer.from(`${event === undefined ? '' : `event: ${event}\n`}data: ${data}\n\n`);
}
