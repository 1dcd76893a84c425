import { catalogNeedsOpenAIV1 } from '../catalog/model-catalog';
import type { ResolvedModel } from '../config/gateway-config';
import { RouteName } from '../config/schema';
import { OpenAIPrefix } from '../surfaces/surface';

/** The prefix to call a model on, and whether a Berm refusal on it may be retried on `/openai/v1`. */
export interface PrefixChoice {
  readonly prefix: OpenAIPrefix;
  readonly retryOnBerm: boolean;
}

/**
 * Chooses `/v1` or `/openai/v1` per model. No Mantle API says which a model needs, so with
 * `route: auto` the gateway asks its hints (the environment variable, the catalog, what it learned)
 * and otherwise tries `/v1`, learning from a Berm refusal for the life of the process.
 */
export class PathPrefixPolicy {
  private readonly learned = new Set<string>();

  public constructor(private readonly envOpenAIV1Models: ReadonlySet<string>) {}

  public choose(model: ResolvedModel): PrefixChoice {
    const route = model.model.route;
    if (route === RouteName.openaiV1) return { prefix: OpenAIPrefix.openaiV1, retryOnBerm: false };
    if (route === RouteName.v1) return { prefix: OpenAIPrefix.v1, retryOnBerm: false };
    const id = model.model.modelId;
    if (this.envOpenAIV1Models.has(id) || catalogNeedsOpenAIV1(id) || this.learned.has(PathPrefixPolicy.key(model))) {
      return { prefix: OpenAIPrefix.openaiV1, retryOnBerm: false };
    }
    return { prefix: OpenAIPrefix.v1, retryOnBerm: true };
  }

  /** Remembers that this account, region and model id need `/openai/v1`. */
  public learnOpenAIV1(model: ResolvedModel): void {
    this.learned.add(PathPrefixPolicy.key(model));
  }

  private static key(model: ResolvedModel): string {
    return `${model.account.name}\u0000${model.region}\u0000${model.model.modelId}`;
  }
}
