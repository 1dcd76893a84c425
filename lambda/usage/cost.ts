import { catalogEntry } from '../catalog/model-catalog';
import type { ModelConfig, Price } from '../config/schema';
import type { Usage } from '../kernel/usage';

const TOKENS_PER_MILLION = 1_000_000;

/** The model's price: its configured `price` ("private cost"), else the built-in catalog's. */
export function priceOf(model: Pick<ModelConfig, 'modelId' | 'price'>): Price | undefined {
  return model.price ?? catalogEntry(model.modelId)?.price;
}

/**
 * Cost in USD per SPEC section 6: uncached input at `input`, cache reads at `cachedInput`, cache
 * writes at `cacheWrite` (both falling back to `input`), output at `output`.
 */
export function costUsd(usage: Usage, price: Price): number {
  const uncached = Math.max(0, usage.inputTokens - usage.cachedInputTokens - usage.cacheWriteTokens);
  return (
    (uncached * price.input +
      usage.cachedInputTokens * (price.cachedInput ?? price.input) +
      usage.cacheWriteTokens * (price.cacheWrite ?? price.input) +
      usage.outputTokens * price.output) /
    TOKENS_PER_MILLION
  );
}
