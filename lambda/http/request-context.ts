import type { Context } from 'aws-lambda';
import type { Exchange } from '../surfaces/exchange';
import type { RequestRecord } from '../usage/request-record';
import type { GatewayRequest } from './request';

/** Per-request state shared by the middlewares and the routes; nothing in it is reassigned. */
export interface RequestContext {
  readonly request: GatewayRequest;
  readonly record: RequestRecord;
  /** The request's exchange, created by its route's surface. */
  readonly exchange: Exchange;
  /** Epoch ms by which the response must be finished: the function's time limit less a margin. */
  readonly deadline: number;
}

/** The Lambda context with the gateway's request context attached by the first middleware. */
export type GatewayLambdaContext = Context & { gateway: RequestContext };
