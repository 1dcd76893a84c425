import type { Price } from '../config/schema';

/** What the gateway knows about a Mantle model without being told. */
export interface CatalogEntry {
  /** The OpenAI-compatible path prefix the model needs, when known. */
  readonly route?: 'v1' | 'openai-v1';
  /** USD per million tokens. */
  readonly price?: Price;
  /** The most output tokens one answer may have, when known (what limits reserve when a request sets no cap). */
  readonly maxOutputTokens?: number;
  /** Where the facts came from, and when. */
  readonly source: string;
  readonly date: string;
}

const WIRE_FACTS = 'shared/reference/mantle-wire-facts.md (public prices and routes)';

/**
 * The built-in catalog, keyed by Mantle model id. Prices are public list prices seen on the given
 * date; a model's `price` in the configuration overrides them ("private cost").
 */
export const MODEL_CATALOG: Readonly<Record<string, CatalogEntry>> = {
  'openai.gpt-5.5': { route: 'openai-v1', price: { input: 5.5, cachedInput: 0.55, output: 33 }, source: WIRE_FACTS, date: '2026-11-01' },
  'openai.gpt-5.4': { route: 'openai-v1', price: { input: 2.75, cachedInput: 0.275, output: 16.5 }, source: WIRE_FACTS, date: '2026-11-01' },
  'openai.gpt-oss-120b': { route: 'v1', price: { input: 0.15, output: 0.6 }, source: WIRE_FACTS, date: '2026-11-01' },
  'openai.gpt-oss-20b': { route: 'v1', source: WIRE_FACTS, date: '2026-11-01' },
  'xai.grok-4.3': { route: 'openai-v1', source: WIRE_FACTS, date: '2026-11-01' },
};

/** Model id prefixes known to need `/openai/v1` (wire facts: `google.gemma-4-*`). */
export const OPENAI_V1_MODEL_PREFIXES: readonly string[] = ['google.gemma-4-'];

/** The catalog's entry for a model id, if any. */
export function catalogEntry(modelId: string): CatalogEntry | undefined {
  return Object.hasOwn(MODEL_CATALOG, modelId) ? MODEL_CATALOG[modelId] : undefined;
}

/** True when the catalog knows the model needs `/openai/v1`. */
export function catalogNeedsOpenAIV1(modelId: string): boolean {
  return catalogEntry(modelId)?.route === 'openai-v1' || OPENAI_V1_MODEL_PREFIXES.some((p) => modelId.startsWith(p));
}
