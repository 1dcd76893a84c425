import { ErrorKind, type GatewayError } from '../kernel/errors';

/** How a surface writes an error body. */
export interface ErrorFormat {
  readonly name: 'openai' | 'anthropic';
  body(error: GatewayError): unknown;
}

const OPENAI_TYPES: Readonly<Record<ErrorKind, string>> = {
  [ErrorKind.invalidRequest]: 'invalid_request_error',
  [ErrorKind.authentication]: 'authentication_error',
  [ErrorKind.permission]: 'permission_error',
  [ErrorKind.notFound]: 'invalid_request_error',
  [ErrorKind.methodNotAllowed]: 'invalid_request_error',
  [ErrorKind.payloadTooLarge]: 'invalid_request_error',
  [ErrorKind.rateLimit]: 'rate_limit_error',
  [ErrorKind.timeout]: 'timeout_error',
  [ErrorKind.upstream]: 'api_error',
  [ErrorKind.unavailable]: 'api_error',
  [ErrorKind.internal]: 'server_error',
};

const ANTHROPIC_TYPES: Readonly<Record<ErrorKind, string>> = {
  [ErrorKind.invalidRequest]: 'invalid_request_error',
  [ErrorKind.authentication]: 'authentication_error',
  [ErrorKind.permission]: 'permission_error',
  [ErrorKind.notFound]: 'not_found_error',
  [ErrorKind.methodNotAllowed]: 'invalid_request_error',
  [ErrorKind.payloadTooLarge]: 'request_too_large',
  [ErrorKind.rateLimit]: 'rate_limit_error',
  [ErrorKind.timeout]: 'timeout_error',
  [ErrorKind.upstream]: 'api_error',
  [ErrorKind.unavailable]: 'overloaded_error',
  [ErrorKind.internal]: 'api_error',
};

/** OpenAI: `{"error":{"message","type","param","code"}}`. */
export const openaiErrorFormat: ErrorFormat = {
  name: 'openai',
  body: (error) => ({ error: { message: error.message, type: OPENAI_TYPES[error.kind], param: error.param, code: error.code } }),
};

/** Anthropic: `{"type":"error","error":{"type","message"}}`. */
export const anthropicErrorFormat: ErrorFormat = {
  name: 'anthropic',
  body: (error) => ({ type: 'error', error: { type: ANTHROPIC_TYPES[error.kind], message: error.message } }),
};
