import type { Context } from 'aws-lambda';
import type { ErrorFormat } from '../surfaces/error-format';
import type { RequestRecord } from '../usage/request-record';
import type { GatewayRequest } from './request';

/** Per-request state shared by the middlewares and the routes. */
export interface RequestContext {
  readonly request: GatewayRequest;
  readonly record: RequestRecord;
  /** The error format of the request's surface (decided from the path, then by the route). */
  errorFormat: ErrorFormat;
  /** Epoch ms by which the response must be finished: the function's time limit less a margin. */
  readonly deadline: number;
}

/** The Lambda context with the gateway's request context attached by the first middleware. */
export type GatewayLambdaContext = Context & { gateway: RequestContext };
