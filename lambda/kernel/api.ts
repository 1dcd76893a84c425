/** The API surfaces, as a model's `apis` list and the records name them (count_tokens belongs to messages). */
export const ApiName = { chat: 'chat', responses: 'responses', messages: 'messages' } as const;
export type ApiName = (typeof ApiName)[keyof typeof ApiName];

/** A JSON object as parsed from a request or answer body. */
export type JsonObject = Record<string, unknown>;
