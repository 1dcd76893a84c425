import type { SimulatedModel } from './models';
import { answerFor, deltas, estimateTokens, lastUserText, sampleFor } from './text';

/** A simulated answer: a JSON body, or SSE frames, with the usage it reports. */
export interface SimulatedAnswer {
  readonly json?: unknown;
  readonly events?: readonly string[];
  /** The usage object this answer reports, in the API's own shape (for tests to compare with). */
  readonly usage?: unknown;
}

/** Fixed creation time, so answers are deterministic. */
export const SIMULATED_CREATED_SECONDS = 1_767_225_600;

type Json = Record<string, any>;

interface ChatPlan {
  readonly content: string | null;
  readonly reasoning?: string;
  readonly toolCall?: { readonly id: string; readonly name: string; readonly arguments: string };
  readonly usage: Json;
}

function plan(body: Json, model: SimulatedModel, id: string, cachedTokens: number): ChatPlan {
  const messages = body.messages;
  const prompt = lastUserText(messages);
  const last = Array.isArray(messages) ? messages.at(-1) : undefined;
  const tools: Json[] = Array.isArray(body.tools) ? body.tools : [];
  const wantsTool = tools.length > 0 && body.tool_choice !== 'none' && last?.role !== 'tool';
  const reasoning = model.reasoning && body.reasoning_effort !== 'none' ? `The user wrote ${prompt.length} characters; answer briefly.` : undefined;
  let content: string | null = answerFor(model.id, prompt);
  let toolCall: ChatPlan['toolCall'];
  if (wantsTool) {
    const chosen = typeof body.tool_choice === 'object' ? body.tool_choice?.function?.name : undefined;
    const tool = tools.find((t) => t.function?.name === chosen) ?? tools[0]!;
    toolCall = { id: `call_${id.slice(-6)}`, name: String(tool.function?.name ?? 'tool'), arguments: JSON.stringify(sampleFor(tool.function?.parameters)) };
    content = null;
  } else if (body.response_format?.type === 'json_schema') {
    content = JSON.stringify(sampleFor(body.response_format.json_schema?.schema));
  } else if (body.response_format?.type === 'json_object') {
    content = JSON.stringify({ answer: content });
  }
  const promptTokens = estimateTokens(messages) + (tools.length ? estimateTokens(tools) : 0);
  const reasoningTokens = reasoning ? deltas(reasoning).length : 0;
  const outputTokens = reasoningTokens + (content === null ? deltas(toolCall!.arguments).length + 2 : deltas(content).length);
  return {
    content,
    ...(reasoning ? { reasoning } : {}),
    ...(toolCall ? { toolCall } : {}),
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: outputTokens,
      total_tokens: promptTokens + outputTokens,
      prompt_tokens_details: { cached_tokens: Math.min(cachedTokens, promptTokens) },
      completion_tokens_details: { reasoning_tokens: reasoningTokens },
    },
  };
}

/** A Chat Completions answer, streamed (with the exact include_usage chunk order) or not. */
export function chatCompletion(body: Json, model: SimulatedModel, id: string, cachedTokens: number): SimulatedAnswer {
  const p = plan(body, model, id, cachedTokens);
  const finishReason = p.toolCall ? 'tool_calls' : 'stop';
  const base = { id, created: SIMULATED_CREATED_SECONDS, model: model.id };
  if (body.stream !== true) {
    const message: Json = { role: 'assistant', content: p.content };
    if (p.reasoning) message.reasoning = p.reasoning;
    if (p.toolCall) message.tool_calls = [{ id: p.toolCall.id, type: 'function', function: { name: p.toolCall.name, arguments: p.toolCall.arguments } }];
    return {
      json: { ...base, object: 'chat.completion', choices: [{ index: 0, message, finish_reason: finishReason, logprobs: null }], usage: p.usage },
      usage: p.usage,
    };
  }
  const includeUsage = body.stream_options?.include_usage === true;
  const chunk = (delta: Json, finish: string | null = null): string =>
    JSON.stringify({
      ...base,
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
      ...(includeUsage ? { usage: null } : {}),
    });
  const events: string[] = [chunk({ role: 'assistant', content: '' })];
  if (p.reasoning) for (const piece of deltas(p.reasoning)) events.push(chunk({ reasoning: piece }));
  if (p.toolCall) {
    events.push(chunk({ tool_calls: [{ index: 0, id: p.toolCall.id, type: 'function', function: { name: p.toolCall.name, arguments: '' } }] }));
    for (const piece of deltas(p.toolCall.arguments)) events.push(chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }));
  } else {
    for (const piece of deltas(p.content!)) events.push(chunk({ content: piece }));
  }
  events.push(chunk({}, finishReason));
  if (includeUsage) events.push(JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [], usage: p.usage }));
  events.push('[DONE]');
  return { events: events.map((data) => `data: ${data}\n\n`), usage: p.usage };
}
