/** CloudWatch Embedded Metric Format: the metrics of one request and their units. */
export const METRICS = {
  Requests: 'Count',
  Errors: 'Count',
  Throttles: 'Count',
  AuthFailures: 'Count',
  InputTokens: 'Count',
  CachedInputTokens: 'Count',
  CacheWriteTokens: 'Count',
  OutputTokens: 'Count',
  ReasoningTokens: 'Count',
  CostUSD: 'None',
  Latency: 'Milliseconds',
  TimeToFirstByte: 'Milliseconds',
  PriceKnown: 'None',
} as const;
export type MetricName = keyof typeof METRICS;

/** Dimension sets: per account and model, and the whole gateway. */
export const DIMENSION_SETS: readonly (readonly string[])[] = [['Account', 'Model'], []];

/** The constant `CloudWatchMetrics` directive of a namespace, serialised once. */
const directives = new Map<string, string>();
function directiveJson(namespace: string): string {
  let json = directives.get(namespace);
  if (json === undefined) {
    json = JSON.stringify([
      { Namespace: namespace, Dimensions: DIMENSION_SETS, Metrics: (Object.keys(METRICS) as MetricName[]).map((Name) => ({ Name, Unit: METRICS[Name] })) },
    ]);
    directives.set(namespace, json);
  }
  return json;
}

/** Serialises one EMF record: the `_aws` metadata, the dimension values, the metrics and the properties. */
export function emfLine(
  namespace: string,
  timestampMs: number,
  dimensions: { readonly Account: string; readonly Model: string },
  metrics: Readonly<Record<MetricName, number>>,
  properties: Readonly<Record<string, unknown>>,
): string {
  // The metadata is the same on every line but for the timestamp. The three parts are serialised
  // apart and joined: one object spread from all of them is ten times slower to serialise (measured).
  const props = JSON.stringify(properties);
  const dims = JSON.stringify(dimensions);
  const values = JSON.stringify(metrics);
  return `{"_aws":{"Timestamp":${Math.round(timestampMs)},"CloudWatchMetrics":${directiveJson(namespace)}},${props.slice(1, -1)},${dims.slice(1, -1)},${values.slice(1)}`;
}
