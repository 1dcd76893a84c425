import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { GatewayResponse } from './response';

/** The one request path of both compute targets: a Function URL event and a Lambda-like context in, a GatewayResponse out. */
export type RequestPath = (event: APIGatewayProxyEventV2, context: Partial<Context>) => Promise<GatewayResponse>;
