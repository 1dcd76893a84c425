import { roleOn, usableModels } from '../auth/access';
import { jsonResponse } from '../http/response';
import { authorizeRequest } from './authorize';
import { PlainSurface } from '../surfaces/plain';
import { endpoint } from './services';

/** A fixed creation time: Mantle does not say when a model appeared, and a stable value caches well. */
const MODEL_CREATED_AT_SECONDS = 1_767_225_600; // 2026-01-01T00:00:00Z

/**
 * GET /v1/models: exactly the models the caller may use, ids `account/name`. OpenAI list format, or
 * the Anthropic list shape when the request carries `anthropic-version`.
 */
export const listModels = endpoint(PlainSurface.models, async (ctx, services) => {
  const { config, principal } = await authorizeRequest(ctx, services);
  // Models, then the groups with at least one target the caller may use.
  const groups = [...config.groups.values()].filter((g) => g.targets.some((t) => roleOn(principal, t.account) !== undefined));
  const models = [
    ...usableModels(principal, config).map((m) => ({ id: m.id, owner: m.account.name })),
    ...groups.map((g) => ({ id: g.config.name, owner: 'group' })),
  ];
  if (ctx.exchange.anthropic) {
    const data = models.map((m) => ({ type: 'model', id: m.id, display_name: m.id, created_at: new Date(MODEL_CREATED_AT_SECONDS * 1000).toISOString() }));
    return jsonResponse(200, { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null });
  }
  return jsonResponse(200, {
    object: 'list',
    data: models.map((m) => ({ id: m.id, object: 'model', created: MODEL_CREATED_AT_SECONDS, owned_by: m.owner })),
  });
});
