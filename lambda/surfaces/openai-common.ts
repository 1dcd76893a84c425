import type { ResolvedModel } from '../config/gateway-config';
import type { GatewayError } from '../kernel/errors';
import { openaiErrorFormat } from './error-format';
import { sseFrame } from './sse';

/** `OpenAI-Project` from the account's configuration (never the client's). */
export function openaiProjectHeader(model: ResolvedModel): Record<string, string> {
  return model.account.project ? { 'openai-project': model.account.project } : {};
}

/** The in-band error of OpenAI Chat Completions streams: a data frame holding the error body. */
export function openaiDataErrorFrame(error: GatewayError): Buffer {
  return sseFrame(JSON.stringify(openaiErrorFormat.body(error)));
}
