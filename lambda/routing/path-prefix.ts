import { catalogNeedsOpenAIV1 } from '../catalog/model-catalog';
import type { ResolvedModel } from '../config/gateway-config';
import { RouteName } from '../config/schema';
import { OpenAIPrefix } from '../kernel/openai-prefix';

/** The prefix to call a model on, and whether a route refusal on it may be retried on the other one. */
export interface PrefixChoice {
  readonly prefix: OpenAIPrefix;
  readonly retryOther: boolean;
}

/** The other OpenAI-compatible prefix. */
export function otherPrefix(prefix: OpenAIPrefix): OpenAIPrefix {
  return prefix === OpenAIPrefix.v1 ? OpenAIPrefix.openaiV1 : OpenAIPrefix.v1;
}

/** Bound on what one instance learns (account × region × model id × API). */
export const MAX_LEARNED_ROUTES = 10_000;

/**
 * Chooses `/v1` or `/openai/v1` per model. No Mantle API says which a model needs, so with
 * `route: auto` the gateway asks its hints (what it learned, the environment variable, the catalog)
 * and otherwise tries `/v1`; a route refusal is retried once on the other prefix, and the other is
 * remembered, per account, region, model id and API, for the life of the process.
 */
export class PathPrefixPolicy {
  private readonly learned = new Map<string, OpenAIPrefix>();

  public constructor(private readonly envOpenAIV1Models: ReadonlySet<string>) {}

  public choose(model: ResolvedModel, api: string): PrefixChoice {
    const route = model.model.route;
    if (route === RouteName.openaiV1) return { prefix: OpenAIPrefix.openaiV1, retryOther: false };
    if (route === RouteName.v1) return { prefix: OpenAIPrefix.v1, retryOther: false };
    const learned = this.learned.get(PathPrefixPolicy.key(model, api));
    if (learned) return { prefix: learned, retryOther: true };
    const id = model.model.modelId;
    const hinted = this.envOpenAIV1Models.has(id) || catalogNeedsOpenAIV1(id);
    return { prefix: hinted ? OpenAIPrefix.openaiV1 : OpenAIPrefix.v1, retryOther: true };
  }

  /** Remembers the prefix that served this account, region, model id and API. */
  public learn(model: ResolvedModel, api: string, prefix: OpenAIPrefix): void {
    const key = PathPrefixPolicy.key(model, api);
    this.learned.delete(key);
    this.learned.set(key, prefix);
    if (this.learned.size > MAX_LEARNED_ROUTES) this.learned.delete(this.learned.keys().next().value as string);
  }

  private static key(model: ResolvedModel, api: string): string {
    return `${model.account.name}\u0000${model.region}\u0000${model.model.modelId}\u0000${api}`;
  }
}
