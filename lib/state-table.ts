import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { STATE_TABLE_ITEM_ACTIONS, STATE_TABLE_KEYS } from '../lambda/kernel/state-table-schema';

/** Props of {@link StateTable}. */
export interface StateTableProps {
  /** @default RemovalPolicy.RETAIN: counters and tokens outlive a stack deletion */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The state table (SPEC section 11): limit counters and table tokens. On demand, TTL on
 * `expiresAt`, point-in-time recovery, encrypted at rest; keys fixed so any tool can create one.
 */
export class StateTable extends Construct {
  public readonly table: dynamodb.Table;

  public constructor(scope: Construct, id: string, props: StateTableProps = {}) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: STATE_TABLE_KEYS.partition, type: dynamodb.AttributeType.STRING },
      sortKey: { name: STATE_TABLE_KEYS.sort, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: STATE_TABLE_KEYS.ttl,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }

  /** Grants exactly the item operations the gateway uses, on this table only. */
  public grantItems(grantee: iam.IGrantable): iam.Grant {
    return this.table.grant(grantee, ...STATE_TABLE_ITEM_ACTIONS);
  }
}
