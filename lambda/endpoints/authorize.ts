import { authenticate } from '../auth/authenticate';
import type { Principal } from '../auth/principal';
import type { GatewayConfig } from '../config/gateway-config';
import type { RequestContext } from '../http/request-context';
import type { ApiSurface } from '../surfaces/surface';
import type { GatewayServices } from './services';

/** Loads the configuration and authenticates the caller, timing both phases. */
export async function authorizeRequest(ctx: RequestContext, services: GatewayServices): Promise<{ config: GatewayConfig; principal: Principal }> {
  const config = await ctx.record.time('config', () => services.config.get());
  const principal = await ctx.record.time('auth', () => authenticate(ctx.request.headers, config));
  ctx.record.subject = principal.subject;
  return { config, principal };
}

/**
 * Errors in the surface's own format, except that a request carrying `anthropic-version` keeps the
 * Anthropic format on every path (SPEC section 1).
 */
export function useSurfaceErrors(ctx: RequestContext, surface: ApiSurface): void {
  if (ctx.request.headers['anthropic-version'] === undefined) ctx.errorFormat = surface.errorFormat;
}
