/**
 * The gateway's error hierarchy. Each error carries a `name`, an HTTP `status`, a machine-readable
 * `code`, a `kind` that each API surface maps to its own error type, and the `cause` when there is one.
 * Messages are written for the caller: they never contain credentials, tokens or upstream ARNs.
 */

/** Error kinds shared by every surface; each surface maps a kind to its own `type` string. */
export const ErrorKind = {
  invalidRequest: 'invalid_request',
  authentication: 'authentication',
  permission: 'permission',
  notFound: 'not_found',
  methodNotAllowed: 'method_not_allowed',
  payloadTooLarge: 'payload_too_large',
  rateLimit: 'rate_limit',
  timeout: 'timeout',
  upstream: 'upstream',
  unavailable: 'unavailable',
  internal: 'internal',
} as const;
export type ErrorKind = (typeof ErrorKind)[keyof typeof ErrorKind];

/**
 * The public error codes: every `code` a caller can see in an error body (docs/reference.md lists
 * them with their statuses). One catalogue, so a new code is a deliberate addition.
 */
export const ErrorCode = {
  invalidRequest: 'invalid_request',
  invalidJson: 'invalid_json',
  unsupportedContentType: 'unsupported_content_type',
  missingRequiredParameter: 'missing_required_parameter',
  invalidType: 'invalid_type',
  duplicateKey: 'duplicate_key',
  invalidHeader: 'invalid_header',
  ambiguousModel: 'ambiguous_model',
  unsupportedApi: 'unsupported_api',
  invalidPreviousResponse: 'invalid_previous_response',
  invalidModel: 'invalid_model',
  invalidLimit: 'invalid_limit',
  invalidToken: 'invalid_token_request',
  priceUnknown: 'price_unknown',
  requestExceedsLimit: 'request_exceeds_limit',
  websocketUnsupported: 'websocket_unsupported',
  invalidApiKey: 'invalid_api_key',
  permissionDenied: 'permission_denied',
  upstreamAccessDenied: 'upstream_access_denied',
  modelNotFound: 'model_not_found',
  notFound: 'not_found',
  responseNotFound: 'response_not_found',
  accountNotFound: 'account_not_found',
  limitNotFound: 'limit_not_found',
  tokenNotFound: 'token_not_found',
  unknownRoute: 'unknown_route',
  methodNotAllowed: 'method_not_allowed',
  versionConflict: 'version_conflict',
  tooManyTokens: 'too_many_tokens',
  requestTooLarge: 'request_too_large',
  documentTooLarge: 'document_too_large',
  rateLimitExceeded: 'rate_limit_exceeded',
  budgetExceeded: 'budget_exceeded',
  upstreamError: 'upstream_error',
  upstreamUnreachable: 'upstream_unreachable',
  upstreamConnectionLost: 'upstream_connection_lost',
  upstreamRedirect: 'upstream_redirect',
  upstreamRejected: 'upstream_rejected',
  upstreamStreamError: 'upstream_stream_error',
  assumeRoleDenied: 'assume_role_denied',
  assumeRoleFailed: 'assume_role_failed',
  configurationUnavailable: 'configuration_unavailable',
  stateUnavailable: 'state_unavailable',
  identityUnavailable: 'identity_unavailable',
  upstreamTimeout: 'upstream_timeout',
  upstreamIdleTimeout: 'upstream_idle_timeout',
  streamIdleTimeout: 'stream_idle_timeout',
  streamInterrupted: 'stream_interrupted',
  deadlineExceeded: 'deadline_exceeded',
  clientClosed: 'client_closed',
  internalError: 'internal_error',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface GatewayErrorOptions {
  readonly cause?: unknown;
  readonly param?: string | null;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Base class: anything thrown on the request path that is not a GatewayError becomes a 500. */
export class GatewayError extends Error {
  public override readonly name: string = 'GatewayError';
  public readonly param: string | null;
  public readonly headers: Readonly<Record<string, string>>;

  public constructor(
    public readonly status: number,
    public readonly kind: ErrorKind,
    public readonly code: ErrorCode,
    message: string,
    options: GatewayErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.param = options.param ?? null;
    this.headers = options.headers ?? {};
  }
}

/** 400: the request cannot be understood or is not allowed as written. */
export class InvalidRequestError extends GatewayError {
  public override readonly name: string = 'InvalidRequestError';
  public constructor(message: string, code: ErrorCode = ErrorCode.invalidRequest, options: GatewayErrorOptions = {}) {
    super(400, ErrorKind.invalidRequest, code, message, options);
  }
}

/** The one message every refused token gets, so a caller cannot tell missing, unknown, expired and revoked apart. */
export const AUTHENTICATION_MESSAGE = 'Invalid or missing gateway token. Send it as "Authorization: Bearer <token>" or "x-api-key: <token>".';

/** 401: missing, unknown, expired or revoked token (always the same message). */
export class AuthenticationError extends GatewayError {
  public override readonly name: string = 'AuthenticationError';
  public constructor(options: GatewayErrorOptions = {}) {
    super(401, ErrorKind.authentication, 'invalid_api_key', AUTHENTICATION_MESSAGE, options);
  }
}

/** 403: authenticated, but the role does not allow the action. */
export class PermissionError extends GatewayError {
  public override readonly name: string = 'PermissionError';
  public constructor(message: string, options: GatewayErrorOptions = {}) {
    super(403, ErrorKind.permission, 'permission_denied', message, options);
  }
}

/** 404 for a model that does not exist or that the caller may not use (the two are indistinguishable). */
export class ModelNotFoundError extends GatewayError {
  public override readonly name: string = 'ModelNotFoundError';
  public constructor(model: string) {
    super(404, ErrorKind.notFound, 'model_not_found', `The model '${model}' does not exist or you do not have access to it.`, {
      param: 'model',
    });
  }
}

/** 404 for an unknown path or a stored response the caller cannot reach. */
export class NotFoundError extends GatewayError {
  public override readonly name: string = 'NotFoundError';
  public constructor(message: string, code: ErrorCode = ErrorCode.notFound) {
    super(404, ErrorKind.notFound, code, message);
  }
}

/** 405: the path exists, the method does not. */
export class MethodNotAllowedError extends GatewayError {
  public override readonly name: string = 'MethodNotAllowedError';
  public constructor(method: string, allowed: readonly string[]) {
    super(405, ErrorKind.methodNotAllowed, 'method_not_allowed', `Method ${method} is not allowed here; use ${allowed.join(' or ')}.`, {
      headers: { allow: allowed.join(', ') },
    });
  }
}

/** 413: the body is over MAX_REQUEST_BYTES. */
export class PayloadTooLargeError extends GatewayError {
  public override readonly name: string = 'PayloadTooLargeError';
  public constructor(limitBytes: number) {
    super(413, ErrorKind.payloadTooLarge, 'request_too_large', `The request body is larger than ${limitBytes} bytes.`);
  }
}

/** 503: the gateway has no valid configuration to serve with. */
export class ConfigurationUnavailableError extends GatewayError {
  public override readonly name: string = 'ConfigurationUnavailableError';
  public constructor(cause?: unknown) {
    super(503, ErrorKind.unavailable, 'configuration_unavailable', 'The gateway has no valid configuration loaded yet; try again shortly.', {
      cause,
    });
  }
}

/** 503: the state table cannot be reached, so what it holds (limits, table tokens) cannot be checked. */
export class StateUnavailableError extends GatewayError {
  public override readonly name: string = 'StateUnavailableError';
  public constructor(what: string, cause?: unknown) {
    super(
      503,
      ErrorKind.unavailable,
      ErrorCode.stateUnavailable,
      `The gateway's state table is unreachable, so ${what} cannot be checked; try again shortly.`,
      { cause },
    );
  }
}

/** An upstream (Mantle or STS) failure, with the status the caller should see and an explained message. */
export class UpstreamError extends GatewayError {
  public override readonly name: string = 'UpstreamError';
  public constructor(status: number, kind: ErrorKind, code: ErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(status, kind, code, message, options);
  }
}

/** Turns anything thrown into a GatewayError; unknown errors become an opaque 500 that keeps the cause. */
export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  return new GatewayError(500, ErrorKind.internal, 'internal_error', 'The gateway failed to handle this request.', { cause: error });
}
