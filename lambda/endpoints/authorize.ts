import type { Principal } from '../auth/principal';
import type { GatewayConfig } from '../config/gateway-config';
import type { RequestContext } from '../http/request-context';
import type { GatewayServices } from './services';

/** Loads the configuration and authenticates the caller, timing both phases. */
export async function authorizeRequest(ctx: RequestContext, services: GatewayServices): Promise<{ config: GatewayConfig; principal: Principal }> {
  const config = await ctx.record.time('config', () => services.config.get());
  const principal = await ctx.record.time('auth', () => services.authenticator.authenticate(ctx.request.headers, config));
  ctx.exchange.identify(principal.subject);
  return { config, principal };
}
