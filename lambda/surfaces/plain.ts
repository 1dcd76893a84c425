import { anthropicErrorFormat, openaiErrorFormat } from './error-format';
import type { ExchangeSurface } from './exchange';

/** The surfaces of routes that call no model API: the OpenAI format unless the request says Anthropic. */
export const PlainSurface = {
  models: { operation: 'models', errorFormat: openaiErrorFormat },
  admin: { operation: 'admin', errorFormat: openaiErrorFormat },
  health: { operation: 'healthz', errorFormat: openaiErrorFormat },
} as const satisfies Record<string, ExchangeSurface>;

/**
 * The surface of a request that matched no route (or was refused before routing): `/v1/messages*`
 * answers in the Anthropic format, everything else in the OpenAI format.
 */
export function unroutedSurface(path: string): ExchangeSurface {
  return { operation: '-', errorFormat: path.startsWith('/v1/messages') ? anthropicErrorFormat : openaiErrorFormat };
}
