import middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { ConfigCache } from './config/config-cache';
import { FileDocumentStore, type DocumentStore } from './config/document-store';
import { SettingsError, type GatewaySettings } from './config/settings';
import { assumeRoleStrategy } from './credentials/assume-role-auth';
import { AccountCredentialResolver, type AssumeRoleStrategy } from './credentials/credential-resolver';
import { SecretConfigSource } from './config/secret-source';
import { deleteModel, listAccountModels, listAccounts, putModel } from './endpoints/admin';
import { healthz } from './endpoints/healthz';
import { listAvailableModels } from './endpoints/discovery';
import { createToken, listTokens, revokeSubjectTokens, revokeToken } from './endpoints/tokens-admin';
import { deleteLimit, getMe, listLimits, putLimit } from './endpoints/limits-admin';
import { inference } from './endpoints/inference';
import { listModels } from './endpoints/models';
import { StoredResponseAction, storedResponse } from './endpoints/stored-responses';
import type { Endpoint, GatewayServices } from './endpoints/services';
import { requestContext, type Routing } from './http/middlewares/request-context';
import { responseFinalizer } from './http/middlewares/response-finalizer';
import type { GatewayLambdaContext } from './http/request-context';
import type { GatewayResponse } from './http/response';
import { Router } from './http/router';
import type { RequestPath } from './http/request-path';
import { streamResponses } from './http/stream-response';
import { PathPrefixPolicy } from './routing/path-prefix';
import { TargetSelector } from './routing/target-selector';
import { anthropicCountTokens, anthropicMessages } from './surfaces/anthropic-messages';
import { chatCompletions } from './surfaces/chat-completions';
import { responses } from './surfaces/responses';
import { Forwarder } from './upstream/forward';
import { StateTable } from './aws/state-table';
import { Authenticator } from './auth/authenticator';
import { JwksCache, type KeyFetcher } from './auth/jwks-cache';
import { JwtVerifier } from './auth/jwt-verifier';
import { TableTokens } from './auth/table-tokens';
import { checkDeployment } from './config/validate';
import { LimitAdmission } from './limits/admission';
import { LimitCounters } from './limits/limit-counters';

/** Optional replacements of the configuration store and the assume-role strategy (tests). */
export interface ServiceOverrides {
  readonly configSource?: DocumentStore;
  readonly assumeRole?: AssumeRoleStrategy;
  readonly table?: StateTable;
  /** The clock limit windows, token caches and JWT expiry are measured against. */
  readonly now?: () => number;
  /** How identity providers' keys are fetched. */
  readonly keyFetcher?: KeyFetcher;
}

/** Creates the process-wide services from settings (once per Lambda instance). */
export function createServices(settings: GatewaySettings, overrides: ServiceOverrides = {}): GatewayServices {
  const source =
    overrides.configSource ??
    (settings.configFile ? new FileDocumentStore(settings.configFile) : settings.configSecretId ? new SecretConfigSource(settings.configSecretId) : undefined);
  if (!source) throw new SettingsError('No configuration source: set GATEWAY_CONFIG_FILE or GATEWAY_CONFIG_SECRET_ID.');
  const now = overrides.now ?? Date.now;
  const table = overrides.table ?? (settings.tableName ? new StateTable(settings.tableName, settings.tableTimeoutMs) : undefined);
  const counters = table ? new LimitCounters(table) : undefined;
  const tokens = table ? new TableTokens(table, settings.tokenCacheSeconds, now) : undefined;
  return {
    settings,
    now,
    authenticator: new Authenticator(new JwtVerifier(new JwksCache(now, overrides.keyFetcher), now), tokens),
    config: new ConfigCache(source, settings.configTtlSeconds, undefined, undefined, (document, origin) =>
      checkDeployment(document, origin, settings.tableName),
    ),
    ...(table && counters ? { state: { table, counters, tokens: tokens!, admission: new LimitAdmission(counters, now) } } : {}),
    store: source,
    credentials: new AccountCredentialResolver(overrides.assumeRole ?? assumeRoleStrategy()),
    forwarder: new Forwarder(settings),
    prefixes: new PathPrefixPolicy(settings.openaiV1PrefixModels),
    targets: new TargetSelector(now),
  };
}

/** The route table: SPEC section 1. */
export function createRouter(): Router<Endpoint> {
  return new Router<Endpoint>([
    { pattern: '/healthz', methods: { GET: healthz } },
    { pattern: '/v1/models', methods: { GET: listModels } },
    { pattern: '/v1/chat/completions', methods: { POST: inference(chatCompletions) } },
    { pattern: '/v1/responses', methods: { POST: inference(responses) } },
    {
      pattern: '/v1/responses/{id}',
      methods: { GET: storedResponse('GET', StoredResponseAction.retrieve), DELETE: storedResponse('DELETE', StoredResponseAction.retrieve) },
    },
    { pattern: '/v1/responses/{id}/input_items', methods: { GET: storedResponse('GET', StoredResponseAction.inputItems) } },
    { pattern: '/v1/responses/{id}/cancel', methods: { POST: storedResponse('POST', StoredResponseAction.cancel) } },
    { pattern: '/v1/messages', methods: { POST: inference(anthropicMessages) } },
    { pattern: '/v1/messages/count_tokens', methods: { POST: inference(anthropicCountTokens) } },
    { pattern: '/admin/me', methods: { GET: getMe } },
    { pattern: '/admin/limits', methods: { GET: listLimits } },
    { pattern: '/admin/tokens', methods: { GET: listTokens, POST: createToken, DELETE: revokeSubjectTokens } },
    { pattern: '/admin/tokens/{id}', methods: { DELETE: revokeToken } },
    { pattern: '/admin/limits/{name}', methods: { PUT: putLimit, DELETE: deleteLimit } },
    { pattern: '/admin/accounts', methods: { GET: listAccounts } },
    { pattern: '/admin/accounts/{account}/models', methods: { GET: listAccountModels } },
    { pattern: '/admin/accounts/{account}/available-models', methods: { GET: listAvailableModels } },
    { pattern: '/admin/accounts/{account}/models/{name}', methods: { PUT: putModel, DELETE: deleteModel } },
  ]);
}

/** The request path: composition only (middy middlewares and the router). */
export function createRequestPath(services: GatewayServices): RequestPath {
  const router = createRouter();
  type RoutedContext = GatewayLambdaContext & { routing: Routing<Endpoint> };
  const route = async (_event: APIGatewayProxyEventV2, context: RoutedContext): Promise<GatewayResponse> => {
    const { routing } = context;
    if ('error' in routing) throw routing.error;
    return routing.match.handler.handle(context.gateway, services, routing.match.params);
  };
  // timeoutEarlyInMillis 0: the gateway keeps its own deadlines (ending streams cleanly in-band),
  // so middy's per-request timer and promise race are not needed.
  const chain = middy<APIGatewayProxyEventV2, GatewayResponse, Error, RoutedContext>({ timeoutEarlyInMillis: 0 })
    .use(requestContext<Endpoint>({ metricsNamespace: services.settings.metricsNamespace, route: (request) => router.match(request.method, request.path) }))
    .use(responseFinalizer())
    .handler(route);
  return (event, context) => chain(event, context as RoutedContext);
}

/** The streaming Lambda handler behind a Function URL: the request path inside Lambda response streaming. */
export function createHandler(services: GatewayServices) {
  const path = createRequestPath(services);
  return streamResponses((event: APIGatewayProxyEventV2, context: Context) => path(event, context));
}
