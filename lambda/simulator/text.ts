/** Deterministic content for simulated answers. */

/** About four bytes a token: a stable estimate of a prompt's size. */
export function estimateTokens(value: unknown): number {
  return Math.max(1, Math.ceil(Buffer.byteLength(JSON.stringify(value ?? '')) / 4));
}

/** The text of the last user message of a chat-style list. */
export function lastUserText(messages: unknown): string {
  if (!Array.isArray(messages)) return typeof messages === 'string' ? messages : '';
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as { role?: string; content?: unknown };
    if (m?.role !== 'user') continue;
    if (typeof m.content === 'string') return m.content;
    if (Array.isArray(m.content)) {
      return m.content
        .map((p: { text?: unknown }) => (typeof p?.text === 'string' ? p.text : ''))
        .join(' ')
        .trim();
    }
  }
  return '';
}

/** The answer the simulator gives: it names the model and the prompt's length, never random. */
export function answerFor(modelId: string, prompt: string): string {
  return `Hello from ${modelId} on the Mantle simulator. Your message had ${prompt.length} characters.`;
}

/** Splits text into word-sized deltas that join back to the text. */
export function deltas(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [text];
}

/** A value that satisfies a (simple) JSON schema: used for tool arguments and json_schema answers. */
export function sampleFor(schema: unknown): unknown {
  const s = (schema ?? {}) as { type?: string | string[]; properties?: Record<string, unknown>; items?: unknown; enum?: unknown[]; required?: string[] };
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[0];
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'object':
    case undefined: {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(s.properties ?? {})) out[key] = sampleFor(value);
      return out;
    }
    case 'array':
      return [sampleFor(s.items)];
    case 'string':
      return 'sample';
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    default:
      return null;
  }
}
