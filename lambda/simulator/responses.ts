import { SIMULATED_CREATED_SECONDS, type SimulatedAnswer } from './chat';
import type { SimulatedModel } from './models';
import { answerFor, deltas, estimateTokens, sampleFor } from './text';

type Json = Record<string, any>;

/** A stored response and its input items. */
interface StoredResponse {
  response: Json;
  inputItems: Json[];
  background: boolean;
}

/** An error the simulator answers with (status and Mantle-style body). */
export class SimulatedHttpError extends Error {
  public constructor(
    public readonly status: number,
    public readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

const notFound = (id: string): SimulatedHttpError =>
  new SimulatedHttpError(404, {
    error: { message: `Response with id '${id}' not found.`, type: 'invalid_request_error', param: null, code: 'response_not_found' },
  });

function inputItems(input: unknown): Json[] {
  if (typeof input === 'string') return [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: input }] }];
  return Array.isArray(input) ? (input as Json[]) : [];
}

function inputText(input: unknown): string {
  if (typeof input === 'string') return input;
  const items = inputItems(input);
  const last = [...items].reverse().find((i) => i.role === 'user');
  if (!last) return '';
  if (typeof last.content === 'string') return last.content;
  return Array.isArray(last.content) ? last.content.map((p: Json) => (typeof p.text === 'string' ? p.text : '')).join(' ') : '';
}

/**
 * Mantle's Responses API as the simulator plays it: stored per region (follow-ups must reach the
 * region that created a response), `previous_response_id`, `background`, retrieval, deletion,
 * input items and cancellation, and the real event sequence when streamed.
 */
export class SimulatedResponses {
  private readonly stores = new Map<string, Map<string, StoredResponse>>();

  private store(region: string): Map<string, StoredResponse> {
    let store = this.stores.get(region);
    if (!store) {
      store = new Map();
      this.stores.set(region, store);
    }
    return store;
  }

  /** POST {P}/responses. */
  public create(body: Json, model: SimulatedModel, id: string, region: string, cachedTokens: number): SimulatedAnswer {
    const previous = typeof body.previous_response_id === 'string' ? body.previous_response_id : undefined;
    let history: Json[] = [];
    if (previous !== undefined) {
      const stored = this.store(region).get(previous);
      if (!stored) {
        throw new SimulatedHttpError(400, {
          error: {
            message: `Previous response with id '${previous}' not found.`,
            type: 'invalid_request_error',
            param: 'previous_response_id',
            code: 'previous_response_not_found',
          },
        });
      }
      history = [...stored.inputItems, ...stored.response.output];
    }
    const prompt = inputText(body.input);
    const tools: Json[] = Array.isArray(body.tools) ? body.tools.filter((t: Json) => t.type === 'function') : [];
    const itemId = `msg_${id.slice(-6)}`;
    let output: Json[];
    let outputText = '';
    if (tools.length && body.tool_choice !== 'none') {
      const tool = tools[0]!;
      output = [
        {
          type: 'function_call',
          id: `fc_${id.slice(-6)}`,
          call_id: `call_${id.slice(-6)}`,
          name: tool.name,
          arguments: JSON.stringify(sampleFor(tool.parameters)),
          status: 'completed',
        },
      ];
    } else {
      outputText =
        body.text?.format?.type === 'json_schema'
          ? JSON.stringify(sampleFor(body.text.format.schema))
          : answerFor(model.id, prompt) + (history.length ? ` (continuing ${history.length} earlier items)` : '');
      output = [{ type: 'message', id: itemId, status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: outputText, annotations: [] }] }];
    }
    const inputTokens = estimateTokens(history) + estimateTokens(body.input);
    const reasoningTokens = model.reasoning ? 6 : 0;
    const outputTokens = reasoningTokens + (outputText ? deltas(outputText).length : 8);
    const usage = {
      input_tokens: inputTokens,
      input_tokens_details: { cached_tokens: Math.min(cachedTokens, inputTokens) },
      output_tokens: outputTokens,
      output_tokens_details: { reasoning_tokens: reasoningTokens },
      total_tokens: inputTokens + outputTokens,
    };
    const background = body.background === true;
    const response: Json = {
      id,
      object: 'response',
      created_at: SIMULATED_CREATED_SECONDS,
      status: 'completed',
      model: model.id,
      output,
      previous_response_id: previous ?? null,
      store: body.store !== false,
      background,
      error: null,
      incomplete_details: null,
      usage,
    };
    if (body.store !== false) this.store(region).set(id, { response, inputItems: inputItems(body.input), background });
    if (background) {
      return { json: { ...response, status: 'queued', output: [], usage: null } };
    }
    if (body.stream !== true) return { json: response, usage };
    return { events: this.events(response, outputText, itemId), usage };
  }

  private events(response: Json, text: string, itemId: string): string[] {
    let sequence = 0;
    const frame = (type: string, data: Json): string => `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...data })}\n\n`;
    const inProgress = { ...response, status: 'in_progress', output: [], usage: null };
    const events = [frame('response.created', { response: inProgress }), frame('response.in_progress', { response: inProgress })];
    const item = response.output[0];
    if (item.type === 'message') {
      events.push(frame('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', content: [] } }));
      events.push(
        frame('response.content_part.added', { item_id: itemId, output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } }),
      );
      for (const delta of deltas(text))
        events.push(frame('response.output_text.delta', { item_id: itemId, output_index: 0, content_index: 0, delta, logprobs: [] }));
      events.push(frame('response.output_text.done', { item_id: itemId, output_index: 0, content_index: 0, text, logprobs: [] }));
      events.push(frame('response.content_part.done', { item_id: itemId, output_index: 0, content_index: 0, part: item.content[0] }));
    } else {
      events.push(frame('response.output_item.added', { output_index: 0, item: { ...item, arguments: '', status: 'in_progress' } }));
      events.push(frame('response.function_call_arguments.delta', { item_id: item.id, output_index: 0, delta: item.arguments }));
      events.push(frame('response.function_call_arguments.done', { item_id: item.id, output_index: 0, arguments: item.arguments }));
    }
    events.push(frame('response.output_item.done', { output_index: 0, item }));
    events.push(frame('response.completed', { response }));
    return events;
  }

  /** GET {P}/responses/{id}: a background response is complete by the time it is read back. */
  public retrieve(id: string, region: string): Json {
    const stored = this.store(region).get(id);
    if (!stored) throw notFound(id);
    return stored.response;
  }

  /** DELETE {P}/responses/{id}. */
  public delete(id: string, region: string): Json {
    if (!this.store(region).delete(id)) throw notFound(id);
    return { id, object: 'response', deleted: true };
  }

  /** GET {P}/responses/{id}/input_items. */
  public inputItems(id: string, region: string): Json {
    const stored = this.store(region).get(id);
    if (!stored) throw notFound(id);
    const data = stored.inputItems.map((item, i) => ({ id: `item_${i}`, ...item }));
    return { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: false };
  }

  /** POST {P}/responses/{id}/cancel: only background responses can be cancelled. */
  public cancel(id: string, region: string): Json {
    const stored = this.store(region).get(id);
    if (!stored) throw notFound(id);
    if (!stored.background) {
      throw new SimulatedHttpError(400, {
        error: { message: 'Only background responses can be cancelled.', type: 'invalid_request_error', param: null, code: null },
      });
    }
    stored.response = { ...stored.response, status: 'cancelled' };
    return stored.response;
  }
}
