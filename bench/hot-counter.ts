// The ceiling of one hot pooled limit: reservations and settlements of one limit at concurrency 64
// for a few seconds, against the local DynamoDB (dynalite), with the pool on 1 counter and spread
// over 8. Prints one JSON line. Usage: node dist/bench-hot-counter.js <dynamoUrl> <table>
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { StateTable } from '../lambda/aws/state-table';
import { LimitAdmission } from '../lambda/limits/admission';
import { LimitCounters } from '../lambda/limits/limit-counters';
import { Exchange } from '../lambda/surfaces/exchange';
import { PlainSurface } from '../lambda/surfaces/plain';

const SECONDS = Number(process.env.HOT_COUNTER_SECONDS ?? 3);
const CONCURRENCY = 64;

async function main(): Promise<void> {
  const [endpoint, tableName] = process.argv.slice(2);
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const admission = new LimitAdmission(new LimitCounters(new StateTable(tableName!, 5000, () => client)));
  const results: Record<string, number> = {};
  for (const shards of [1, 8]) {
    const limit = { name: `hot-${shards}-${Date.now()}`, pooled: true, per: 'month' as const, tokens: 1e12, requests: 1e9, shards };
    const end = performance.now() + SECONDS * 1000;
    let done = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < end) {
          const admitted = await admission.admit(
            [limit],
            'service:bench',
            { requests: 1, tokens: 1000, usdNanos: 0 },
            new Exchange(PlainSurface.admin, {}),
            'deny',
          );
          await admitted.settle({ requests: 1, tokens: 600, usdNanos: 0 });
          done++;
        }
      }),
    );
    results[`shards${shards}RequestsPerSecond`] = Math.round(done / SECONDS);
  }
  process.stdout.write(`${JSON.stringify(results)}\n`);
}

void main();
