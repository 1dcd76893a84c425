/** The OpenAI-compatible path prefixes on Mantle. */
export const OpenAIPrefix = { v1: '/v1', openaiV1: '/openai/v1' } as const;
export type OpenAIPrefix = (typeof OpenAIPrefix)[keyof typeof OpenAIPrefix];
