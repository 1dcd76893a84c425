import { ErrorCode, ErrorKind, GatewayError } from '../kernel/errors';

/** 429: a limit's requests or tokens (`rate_limit_exceeded`) or its spend (`budget_exceeded`) ran out. */
export class LimitExceededError extends GatewayError {
  public override readonly name: string = 'LimitExceededError';
  public constructor(
    public readonly limitName: string,
    code: typeof ErrorCode.rateLimitExceeded | typeof ErrorCode.budgetExceeded,
    message: string,
    retryAfterSeconds: number,
  ) {
    super(429, ErrorKind.rateLimit, code, message, { headers: { 'retry-after': String(retryAfterSeconds) } });
  }
}

/** 400: the request alone reserves more than a limit's whole bound, so it could never pass. */
export class RequestExceedsLimitError extends GatewayError {
  public override readonly name: string = 'RequestExceedsLimitError';
  public constructor(
    public readonly limitName: string,
    message: string,
  ) {
    super(400, ErrorKind.invalidRequest, ErrorCode.requestExceedsLimit, message);
  }
}

/** 400: a `usd` limit applies and the model has no known price. */
export class PriceUnknownError extends GatewayError {
  public override readonly name: string = 'PriceUnknownError';
  public constructor(model: string, limitName: string) {
    super(
      400,
      ErrorKind.invalidRequest,
      ErrorCode.priceUnknown,
      `The model '${model}' has no known price, so it cannot be called under the spend limit '${limitName}'; give the model a "price" in the configuration.`,
      { param: 'model' },
    );
  }
}

export { StateUnavailableError } from '../kernel/errors';
