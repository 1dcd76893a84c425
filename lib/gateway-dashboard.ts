import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEFAULT_METRICS_NAMESPACE } from '../lambda/kernel/names';

/** Props of {@link GatewayDashboard}. */
export interface GatewayDashboardProps {
  readonly namespace: string;
  readonly logGroup: logs.ILogGroup;
  /** @default 'MantleGateway' */
  readonly dashboardName?: string;
}

const PERIOD = Duration.minutes(5);

/** One line per account and model, found by a metric search over the EMF dimension set. */
function byAccountAndModel(namespace: string, metric: string, stat: string, label: string): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: `SEARCH('{${namespace},Account,Model} MetricName="${metric}"', '${stat}', ${PERIOD.toSeconds()})`,
    label,
    period: PERIOD,
  });
}

/**
 * The CloudWatch dashboard over the gateway's metrics: cost, tokens, requests, errors and throttles
 * by account and model; latency and time to first byte percentiles; top subjects by cost.
 */
export class GatewayDashboard extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;

  public constructor(scope: Construct, id: string, props: GatewayDashboardProps) {
    super(scope, id);
    const ns = props.namespace;
    const total = (metricName: string, statistic: string) => new cloudwatch.Metric({ namespace: ns, metricName, statistic, period: PERIOD });
    const percentiles = (metricName: string) => ['p50', 'p90', 'p99'].map((p) => total(metricName, p).with({ label: `${metricName} ${p}` }));

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName ?? DEFAULT_METRICS_NAMESPACE,
      defaultInterval: Duration.days(1),
    });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Cost (USD) by account and model',
        left: [byAccountAndModel(ns, 'CostUSD', 'Sum', 'cost')],
        width: 12,
        stacked: true,
      }),
      new cloudwatch.SingleValueWidget({ title: 'Cost (USD), whole period', metrics: [total('CostUSD', 'Sum')], width: 6, setPeriodToTimeRange: true }),
      new cloudwatch.SingleValueWidget({ title: 'Requests, whole period', metrics: [total('Requests', 'Sum')], width: 6, setPeriodToTimeRange: true }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Tokens by account and model',
        left: [byAccountAndModel(ns, 'InputTokens', 'Sum', 'input'), byAccountAndModel(ns, 'OutputTokens', 'Sum', 'output')],
        right: [byAccountAndModel(ns, 'CachedInputTokens', 'Sum', 'cached input'), byAccountAndModel(ns, 'ReasoningTokens', 'Sum', 'reasoning')],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Requests, errors and throttles by account and model',
        left: [byAccountAndModel(ns, 'Requests', 'Sum', 'requests')],
        right: [byAccountAndModel(ns, 'Errors', 'Sum', 'errors'), byAccountAndModel(ns, 'Throttles', 'Sum', 'throttles')],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Latency (ms)', left: percentiles('Latency'), width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Time to first byte (ms)', left: percentiles('TimeToFirstByte'), width: 8 }),
      new cloudwatch.GraphWidget({
        title: 'Refused tokens and unpriced requests',
        left: [total('AuthFailures', 'Sum')],
        right: [total('PriceKnown', 'Minimum')],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.LogQueryWidget({
        title: 'Top subjects by cost (USD)',
        logGroupNames: [props.logGroup.logGroupName],
        view: cloudwatch.LogQueryVisualizationType.TABLE,
        queryLines: [
          'fields subject, CostUSD, InputTokens, OutputTokens',
          'filter ispresent(CostUSD)',
          'stats sum(CostUSD) as costUsd, sum(InputTokens) as inputTokens, sum(OutputTokens) as outputTokens, count(*) as requests by subject',
          'sort costUsd desc',
          'limit 20',
        ],
        width: 24,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.LogQueryWidget({
        title: 'Throttles by limit (429s the gateway gave under its own limits)',
        logGroupNames: [props.logGroup.logGroupName],
        view: cloudwatch.LogQueryVisualizationType.TABLE,
        queryLines: [
          'fields limit, error',
          'filter Throttles = 1 and ispresent(limit)',
          'stats count(*) as refused by limit, error',
          'sort refused desc',
          'limit 50',
        ],
        width: 12,
      }),
      new cloudwatch.LogQueryWidget({
        title: 'Fallbacks by group and target (the target that answered)',
        logGroupNames: [props.logGroup.logGroupName],
        view: cloudwatch.LogQueryVisualizationType.TABLE,
        queryLines: [
          'fields group, Account, Model, fallbacks',
          'filter ispresent(group)',
          'stats count(*) as requests, sum(fallbacks) as fallbacks by group, Account, Model',
          'sort fallbacks desc',
          'limit 50',
        ],
        width: 12,
      }),
    );
  }
}
