import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { STATE_TABLE_KEYS } from '../kernel/state-table-schema';
import { dynamoDbClient } from './aws-clients';

/** The SDK's command classes, loaded on first use (a gateway without a table never loads them). */
function commands(): typeof import('@aws-sdk/client-dynamodb') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@aws-sdk/client-dynamodb') as typeof import('@aws-sdk/client-dynamodb');
}

/** An item's attributes as the gateway stores them: strings and numbers only. */
export type Item = Readonly<Record<string, string | number>>;

/**
 * The table did not answer usably: unreachable, too slow (GATEWAY_TABLE_TIMEOUT_MS), throttled or
 * failing. `notApplied` is true only when the error proves a write was not applied (a throttle, a
 * connection that was never made), the one case where an increment may be tried again.
 */
export class TableUnavailableError extends Error {
  public override readonly name: string = 'TableUnavailableError';
  public constructor(
    public readonly notApplied: boolean,
    cause: unknown,
  ) {
    super(`the state table did not answer: ${(cause as Error)?.name ?? 'Error'}`, { cause });
  }
}

const NOT_APPLIED = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded', 'ECONNREFUSED']);

function toAttributes(item: Item): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(item)) out[k] = typeof v === 'number' ? { N: String(v) } : { S: v };
  return out;
}

function fromAttributes(attributes: Record<string, AttributeValue> | undefined): Record<string, string | number> | undefined {
  if (!attributes) return undefined;
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(attributes)) {
    if (v.N !== undefined) out[k] = Number(v.N);
    else if (v.S !== undefined) out[k] = v.S;
  }
  return out;
}

/** One conditional or unconditional counter update. */
export interface CounterUpdate {
  readonly pk: string;
  readonly sk: string;
  /** Numbers to add (negative to subtract). */
  readonly add: Readonly<Record<string, number>>;
  /** Each named attribute must be absent or at most this value before the update. */
  readonly atMost?: Readonly<Record<string, number>>;
  /** Epoch seconds after which the item may be deleted (TTL). */
  readonly expiresAt: number;
}

/**
 * The state table (SPEC section 11), item by item, through the real DynamoDB client. Every call is
 * bounded by an abort signal (the SDK has no request timeout of its own) and made once: the client
 * does not retry, because an increment retried after an unknown failure may count twice.
 */
export class StateTable {
  private clientValue: Pick<DynamoDBClient, 'send'> | undefined;

  public constructor(
    public readonly tableName: string,
    private readonly timeoutMs: number,
    private readonly client: () => Pick<DynamoDBClient, 'send'> = () => dynamoDbClient(),
  ) {}

  private async send<T>(command: object): Promise<T> {
    this.clientValue ??= this.client();
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      return (await this.clientValue.send(command as never, { abortSignal: signal })) as T;
    } catch (error) {
      const name = (error as { name?: string; code?: string }).name ?? '';
      if (name === 'ConditionalCheckFailedException' || name === 'ValidationException' || name === 'ResourceNotFoundException') throw error;
      const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code ?? '';
      throw new TableUnavailableError(NOT_APPLIED.has(name) || NOT_APPLIED.has(code), error);
    }
  }

  /**
   * Adds to counters, conditionally when `atMost` is given. Resolves with the item's values after
   * the update, or `undefined` when the condition refused it (nothing changed).
   */
  public async addTo(update: CounterUpdate): Promise<Record<string, string | number> | undefined> {
    const { UpdateItemCommand } = commands();
    const names: Record<string, string> = { '#x': STATE_TABLE_KEYS.ttl };
    const values: Record<string, AttributeValue> = { ':x': { N: String(update.expiresAt) } };
    const adds: string[] = [];
    const conditions: string[] = [];
    let n = 0;
    for (const [attribute, amount] of Object.entries(update.add)) {
      const name = `#a${n}`;
      names[name] = attribute;
      values[`:a${n}`] = { N: String(amount) };
      adds.push(`${name} :a${n}`);
      const max = update.atMost?.[attribute];
      if (max !== undefined) {
        values[`:m${n}`] = { N: String(max) };
        conditions.push(`(attribute_not_exists(${name}) OR ${name} <= :m${n})`);
      }
      n++;
    }
    try {
      const out = await this.send<{ Attributes?: Record<string, AttributeValue> }>(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { [STATE_TABLE_KEYS.partition]: { S: update.pk }, [STATE_TABLE_KEYS.sort]: { S: update.sk } },
          UpdateExpression: `SET #x = :x ADD ${adds.join(', ')}`,
          ...(conditions.length ? { ConditionExpression: conditions.join(' AND ') } : {}),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return fromAttributes(out.Attributes) ?? {};
    } catch (error) {
      if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return undefined;
      throw error;
    }
  }

  /** One item, or undefined (an item whose TTL has passed counts as absent: TTL deletion is lazy). */
  public async get(pk: string, sk: string, nowSeconds: number = Date.now() / 1000): Promise<Record<string, string | number> | undefined> {
    const { GetItemCommand } = commands();
    const out = await this.send<{ Item?: Record<string, AttributeValue> }>(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { [STATE_TABLE_KEYS.partition]: { S: pk }, [STATE_TABLE_KEYS.sort]: { S: sk } },
        ConsistentRead: true,
      }),
    );
    const item = fromAttributes(out.Item);
    const expires = item?.[STATE_TABLE_KEYS.ttl];
    return typeof expires === 'number' && expires <= nowSeconds ? undefined : item;
  }

  /** Writes an item; with `ifAbsent`, only when no item has its key (false when one had). */
  public async put(item: Item, ifAbsent = false): Promise<boolean> {
    const { PutItemCommand } = commands();
    try {
      await this.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: toAttributes(item),
          ...(ifAbsent ? { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': STATE_TABLE_KEYS.partition } } : {}),
        }),
      );
      return true;
    } catch (error) {
      if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  /** Deletes an item (absent is fine). */
  public async delete(pk: string, sk: string): Promise<void> {
    const { DeleteItemCommand } = commands();
    await this.send(new DeleteItemCommand({ TableName: this.tableName, Key: { [STATE_TABLE_KEYS.partition]: { S: pk }, [STATE_TABLE_KEYS.sort]: { S: sk } } }));
  }

  /** Every item of a partition (paged through), or those whose sort key starts with `skPrefix`; expired ones left out. */
  public async query(pk: string, nowSeconds: number = Date.now() / 1000, skPrefix?: string): Promise<Record<string, string | number>[]> {
    const { QueryCommand } = commands();
    const items: Record<string, string | number>[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const out: { Items?: Record<string, AttributeValue>[]; LastEvaluatedKey?: Record<string, AttributeValue> } = await this.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: skPrefix === undefined ? '#pk = :pk' : '#pk = :pk AND begins_with(#sk, :sk)',
          ExpressionAttributeNames: { '#pk': STATE_TABLE_KEYS.partition, ...(skPrefix === undefined ? {} : { '#sk': STATE_TABLE_KEYS.sort }) },
          ExpressionAttributeValues: { ':pk': { S: pk }, ...(skPrefix === undefined ? {} : { ':sk': { S: skPrefix } }) },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const raw of out.Items ?? []) {
        const item = fromAttributes(raw)!;
        const expires = item[STATE_TABLE_KEYS.ttl];
        if (!(typeof expires === 'number' && expires <= nowSeconds)) items.push(item);
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }
}
