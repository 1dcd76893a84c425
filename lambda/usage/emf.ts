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

/** Serialises one EMF record: the `_aws` metadata, the dimension values, the metrics and the properties. */
export function emfLine(
  namespace: string,
  timestampMs: number,
  dimensions: { readonly Account: string; readonly Model: string },
  metrics: Readonly<Record<MetricName, number>>,
  properties: Readonly<Record<string, unknown>>,
): string {
  const record = {
    _aws: {
      Timestamp: timestampMs,
      CloudWatchMetrics: [
        {
          Namespace: namespace,
          Dimensions: DIMENSION_SETS,
          Metrics: (Object.keys(METRICS) as MetricName[]).map((Name) => ({ Name, Unit: METRICS[Name] })),
        },
      ],
    },
    ...properties,
    ...dimensions,
    ...metrics,
  };
  return JSON.stringify(record);
}
