import type { SimulatedAnswer } from './chat';
import type { SimulatedModel } from './models';
import { answerFor, deltas, estimateTokens, lastUserText, sampleFor } from './text';

type Json = Record<string, any>;

/** Prompt tokens of a Messages request: system, messages and tools. */
export function messagesPromptTokens(body: Json): number {
  return estimateTokens([body.system ?? '', body.messages ?? [], body.tools ?? []]);
}

/**
 * Anthropic Messages as Mantle serves it: `input_tokens` excludes cache reads and writes; streams
 * are message_start … content blocks … message_delta (with the final usage) … message_stop.
 */
export function anthropicMessage(body: Json, model: SimulatedModel, id: string, cacheRead: number, cacheWrite: number): SimulatedAnswer {
  const prompt = lastUserText(body.messages);
  const total = messagesPromptTokens(body);
  const read = Math.min(cacheRead, total);
  const written = Math.min(cacheWrite, total - read);
  const inputTokens = total - read - written;
  const tools: Json[] = Array.isArray(body.tools) ? body.tools : [];
  const last = Array.isArray(body.messages) ? body.messages.at(-1) : undefined;
  const lastIsToolResult = Array.isArray(last?.content) && last.content.some((c: Json) => c?.type === 'tool_result');
  const useTool = tools.length > 0 && body.tool_choice?.type !== 'none' && !lastIsToolResult;
  const text = answerFor(model.id, prompt);
  const block: Json = useTool
    ? { type: 'tool_use', id: `toolu_${id.slice(-6)}`, name: tools[0]!.name, input: sampleFor(tools[0]!.input_schema) }
    : { type: 'text', text };
  const outputTokens = useTool ? 12 : deltas(text).length;
  const usage = { input_tokens: inputTokens, cache_creation_input_tokens: written, cache_read_input_tokens: read, output_tokens: outputTokens };
  const message = {
    id,
    type: 'message',
    role: 'assistant',
    model: model.id,
    content: [block],
    stop_reason: useTool ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage,
  };
  if (body.stream !== true) return { json: message, usage };
  const frame = (type: string, data: Json): string => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  const events = [
    frame('message_start', { message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } } }),
    frame('content_block_start', { index: 0, content_block: useTool ? { ...block, input: {} } : { type: 'text', text: '' } }),
    frame('ping', {}),
  ];
  if (useTool) events.push(frame('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) } }));
  else for (const piece of deltas(text)) events.push(frame('content_block_delta', { index: 0, delta: { type: 'text_delta', text: piece } }));
  events.push(frame('content_block_stop', { index: 0 }));
  events.push(frame('message_delta', { delta: { stop_reason: message.stop_reason, stop_sequence: null }, usage }));
  events.push(frame('message_stop', {}));
  return { events, usage };
}
