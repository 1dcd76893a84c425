import { usableModels } from '../auth/access';
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
  const models = usableModels(principal, config);
  if (ctx.exchange.anthropic) {
    const data = models.map((m) => ({ type: 'model', id: m.id, display_name: m.id, created_at: new Date(MODEL_CREATED_AT_SECONDS * 1000).toISOString() }));
    return jsonResponse(200, { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null });
  }
  return jsonResponse(200, {
    object: 'list',
    data: models.map((m) => ({ id: m.id, object: 'model', created: MODEL_CREATED_AT_SECONDS, owned_by: m.account.name })),
  });
});
