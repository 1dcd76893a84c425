/** The error body shapes of the two API families, as their SDKs read them. */
export const isOpenAIError = (json: any): boolean =>
  typeof json?.error?.message === 'string' && typeof json.error.type === 'string' && 'code' in json.error && 'param' in json.error;

export const isAnthropicError = (json: any): boolean =>
  json?.type === 'error' && typeof json.error?.type === 'string' && typeof json.error.message === 'string';

/** The JSON data of one SSE frame. */
export const dataOf = (frame: string): any =>
  JSON.parse(
    frame
      .split('\n')
      .find((l) => l.startsWith('data: '))!
      .slice(6),
  );
