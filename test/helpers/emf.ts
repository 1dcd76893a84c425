/**
 * Checks a line against the CloudWatch Embedded Metric Format specification: a root `_aws` object
 * with an integer millisecond `Timestamp` and `CloudWatchMetrics` directives, each with a
 * `Namespace`, `Dimensions` (arrays of dimension names whose values are strings at the root) and
 * `Metrics` (names and valid units whose values are numbers at the root). Returns the problems.
 */
const UNITS = new Set([
  'Seconds',
  'Microseconds',
  'Milliseconds',
  'Bytes',
  'Kilobytes',
  'Megabytes',
  'Gigabytes',
  'Terabytes',
  'Bits',
  'Kilobits',
  'Megabits',
  'Gigabits',
  'Terabits',
  'Percent',
  'Count',
  'Bytes/Second',
  'Kilobytes/Second',
  'Megabytes/Second',
  'Gigabytes/Second',
  'Terabytes/Second',
  'Bits/Second',
  'Kilobits/Second',
  'Megabits/Second',
  'Gigabits/Second',
  'Terabits/Second',
  'Count/Second',
  'None',
]);
const MAX_DIMENSIONS = 30;
const MAX_METRICS = 100;

export function emfProblems(line: string): string[] {
  const problems: string[] = [];
  let record: any;
  try {
    record = JSON.parse(line);
  } catch {
    return ['not JSON'];
  }
  if (!record || typeof record !== 'object' || Array.isArray(record)) return ['root is not an object'];
  const aws = record._aws;
  if (!aws || typeof aws !== 'object') return ['no _aws object at the root'];
  if (!Number.isInteger(aws.Timestamp) || aws.Timestamp < 1e12) problems.push('_aws.Timestamp is not epoch milliseconds');
  if (!Array.isArray(aws.CloudWatchMetrics) || aws.CloudWatchMetrics.length === 0) return [...problems, '_aws.CloudWatchMetrics is not a non-empty array'];
  for (const directive of aws.CloudWatchMetrics) {
    if (typeof directive.Namespace !== 'string' || !/^[\w.\-/#:]{1,255}$/.test(directive.Namespace)) problems.push('Namespace missing or invalid');
    if (!Array.isArray(directive.Dimensions)) problems.push('Dimensions is not an array');
    else
      for (const set of directive.Dimensions) {
        if (!Array.isArray(set) || set.length > MAX_DIMENSIONS) problems.push('a dimension set is not an array of at most 30 names');
        else for (const name of set) if (typeof record[name] !== 'string') problems.push(`dimension ${name} is not a string at the root`);
      }
    if (!Array.isArray(directive.Metrics) || directive.Metrics.length > MAX_METRICS) problems.push('Metrics is not an array of at most 100');
    else
      for (const metric of directive.Metrics) {
        if (typeof metric.Name !== 'string' || metric.Name.length === 0 || metric.Name.length > 1024) problems.push('a metric has no valid Name');
        if (metric.Unit !== undefined && !UNITS.has(metric.Unit)) problems.push(`metric ${metric.Name} has invalid unit ${metric.Unit}`);
        const value = record[metric.Name];
        const ok = typeof value === 'number' && Number.isFinite(value);
        if (!ok) problems.push(`metric ${metric.Name} is not a number at the root`);
      }
  }
  return problems;
}
