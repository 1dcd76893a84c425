import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { STATE_TABLE_KEYS } from '../kernel/state-table-schema';
import { dynamoDbClient } from './aws-clients';

/** What `createStateTable` did. */
export interface TableCreation {
  readonly created: boolean;
  /** Set when TTL could not be enabled (a local server without UpdateTimeToLive): a warning, not a failure. */
  readonly ttlWarning?: string;
}

/** The SDK module, loaded on first use. */
function dynamoDbSdk(): typeof import('@aws-sdk/client-dynamodb') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@aws-sdk/client-dynamodb') as typeof import('@aws-sdk/client-dynamodb');
}

const ACTIVE_POLLS = 60;
const ACTIVE_POLL_MS = 500;

/**
 * Creates a state table with the fixed schema (pk, sk strings; on demand) and enables TTL on
 * `expiresAt`; an existing table is left as it is. Waits until the table is ACTIVE.
 */
export async function createStateTable(tableName: string, client: Pick<DynamoDBClient, 'send'> = dynamoDbClient()): Promise<TableCreation> {
  const { CreateTableCommand, DescribeTableCommand, UpdateTimeToLiveCommand } = dynamoDbSdk();
  let created = true;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: STATE_TABLE_KEYS.partition, AttributeType: 'S' },
          { AttributeName: STATE_TABLE_KEYS.sort, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: STATE_TABLE_KEYS.partition, KeyType: 'HASH' },
          { AttributeName: STATE_TABLE_KEYS.sort, KeyType: 'RANGE' },
        ],
      }),
    );
  } catch (error) {
    if ((error as { name?: string }).name !== 'ResourceInUseException') throw error;
    created = false;
  }
  for (let i = 0; i < ACTIVE_POLLS; i++) {
    const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (out.Table?.TableStatus === 'ACTIVE') break;
    await new Promise((r) => setTimeout(r, ACTIVE_POLL_MS));
  }
  try {
    await client.send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: STATE_TABLE_KEYS.ttl, Enabled: true } }));
    return { created };
  } catch (error) {
    return {
      created,
      ttlWarning: `TTL on ${STATE_TABLE_KEYS.ttl} could not be enabled (${(error as Error).name}); old counters stay until deleted (reads ignore them).`,
    };
  }
}
