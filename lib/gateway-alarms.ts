import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** Props of {@link GatewayAlarms}. */
export interface GatewayAlarmsProps {
  readonly namespace: string;
  /** The function's log group: budget refusals are counted from its records by a metric filter. */
  readonly logGroup: logs.ILogGroup;
  /** Budget refusals (`budget_exceeded`) in 5 minutes that alarm. @default 1 */
  readonly budgetRefusalThreshold?: number;
  /** @default no notifications (the alarms still show in the console) */
  readonly alarmTopic?: sns.ITopic;
  /** Error rate (errors / requests) that alarms. @default 0.05 */
  readonly errorRateThreshold?: number;
  /** Throttled requests in 5 minutes that alarm. @default 20 */
  readonly throttleThreshold?: number;
  /** Refused tokens in 5 minutes that alarm (a surge: a leaked or scanned endpoint). @default 50 */
  readonly authFailureThreshold?: number;
}

const PERIOD = Duration.minutes(5);

/** An alarm over a threshold for some 5-minute periods; no data is no alarm. */
function above(threshold: number, evaluationPeriods: number, alarmDescription: string): cloudwatch.CreateAlarmOptions {
  return {
    alarmDescription,
    threshold,
    evaluationPeriods,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  };
}

/** Alarms on the error rate, throttles and a surge of refused tokens. */
export class GatewayAlarms extends Construct {
  public readonly errorRate: cloudwatch.Alarm;
  public readonly throttles: cloudwatch.Alarm;
  public readonly authFailures: cloudwatch.Alarm;
  public readonly budgetRefusals: cloudwatch.Alarm;

  public constructor(scope: Construct, id: string, props: GatewayAlarmsProps) {
    super(scope, id);
    const metric = (metricName: string) => new cloudwatch.Metric({ namespace: props.namespace, metricName, statistic: 'Sum', period: PERIOD });
    const errorRate = props.errorRateThreshold ?? 0.05;
    if (!(errorRate > 0 && errorRate < 1)) throw new Error('errorRateThreshold must be between 0 and 1.');
    this.errorRate = new cloudwatch.MathExpression({
      expression: 'IF(requests > 0, errors / requests, 0)',
      usingMetrics: { errors: metric('Errors'), requests: metric('Requests') },
      period: PERIOD,
      label: 'error rate',
    }).createAlarm(
      this,
      'ErrorRate',
      above(errorRate, 3, `More than ${errorRate * 100}% of requests failed (5xx or a stream ended with an error) for 15 minutes.`),
    );
    this.throttles = metric('Throttles').createAlarm(
      this,
      'Throttles',
      above(props.throttleThreshold ?? 20, 2, 'Clients are being throttled: Mantle token-per-minute quotas are exhausted.'),
    );
    this.authFailures = metric('AuthFailures').createAlarm(
      this,
      'AuthFailures',
      above(props.authFailureThreshold ?? 50, 1, 'A surge of refused gateway tokens: a leaked URL being scanned, or a revoked token still in use.'),
    );
    // The record says which limit refused and why; a metric filter turns budget refusals into a metric.
    const budget = new logs.MetricFilter(this, 'BudgetRefusalsFilter', {
      logGroup: props.logGroup,
      filterPattern: logs.FilterPattern.stringValue('$.error', '=', 'budget_exceeded'),
      metricNamespace: props.namespace,
      metricName: 'BudgetRefusals',
      metricValue: '1',
    });
    this.budgetRefusals = budget.metric({ statistic: 'Sum', period: PERIOD }).createAlarm(this, 'BudgetRefusals', {
      ...above((props.budgetRefusalThreshold ?? 1) - 1, 1, 'A spend limit (usd) ran out: requests are refused with budget_exceeded until its window resets.'),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
    if (props.alarmTopic) {
      for (const alarm of [this.errorRate, this.throttles, this.authFailures, this.budgetRefusals]) {
        alarm.addAlarmAction(new actions.SnsAction(props.alarmTopic));
        alarm.addOkAction(new actions.SnsAction(props.alarmTopic));
      }
    }
  }
}
