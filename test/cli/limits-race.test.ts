import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createStateTable } from '../../lambda/aws/state-table-admin';
import { StateTable } from '../../lambda/aws/state-table';
import { LocalDynamoDb } from '../../lambda/simulator/aws/local-dynamodb';
import { DEV_API_KEY } from '../../lambda/simulator/credentials';
import { MantleSimulator } from '../../lambda/simulator/server';
import { runCli, startCli, stopCli } from '../helpers/cli';

const TABLE = 'race-table';
const BUDGET_USD = 0.02;

/**
 * Two gateway processes on one state table, 50 requests at once against one pooled team budget
 * (SPEC section 12): no interleaving may admit past the bound, and after settlement the pool's
 * counter is exactly the sum of what the records say was spent.
 */
describe('a pooled usd budget raced by two gateway processes', () => {
  it('admits no more than fits, and the counter after settlement equals the records', async () => {
    const dynamo = new LocalDynamoDb();
    const endpoint = await dynamo.start();
    const client = new DynamoDBClient({ endpoint, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    await createStateTable(TABLE, client);
    const simulator = new MantleSimulator({});
    const simulatorUrl = await simulator.start();
    const dir = mkdtempSync(join(tmpdir(), 'mgw-limits-race-'));
    const file = join(dir, 'gateway.json');
    expect((await runCli(['init', '--config', file])).code).toBe(0);
    const tokens: string[] = [];
    for (const who of ['a', 'b']) {
      tokens.push((await runCli(['token', 'create', '--subject', `user:${who}@example.com`, '--config', file])).stdout.trim().split('\n').at(-1)!);
    }
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    doc.teams = { ml: ['user:a@example.com', 'user:b@example.com'] };
    doc.accounts = [
      {
        name: 'team',
        region: 'us-east-1',
        endpoint: simulatorUrl,
        auth: { type: 'api-key', apiKey: DEV_API_KEY },
        collaborators: [{ subject: 'team:ml', role: 'user' }],
        models: [{ modelId: 'openai.gpt-5.5', route: 'openai-v1' }],
      },
    ];
    doc.limits = [{ name: 'ml-pool', subjects: ['team:ml'], pooled: true, per: 'month', usd: BUDGET_USD }];
    writeFileSync(file, JSON.stringify(doc));
    const env = { GATEWAY_TABLE_NAME: TABLE, AWS_ENDPOINT_URL_DYNAMODB: endpoint };
    const one = await startCli(['serve', '--config', file, '--port', '0'], /listening on (http:\/\/127\.0\.0\.1:\d+)/, undefined, env);
    const two = await startCli(['serve', '--config', file, '--port', '0'], /listening on (http:\/\/127\.0\.0\.1:\d+)/, undefined, env);
    try {
      const urls = [one.match[1]!, two.match[1]!];
      const statuses = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          fetch(`${urls[i % 2]}/v1/chat/completions`, {
            method: 'POST',
            headers: { authorization: `Bearer ${tokens[i % 2]}`, 'content-type': 'application/json' },
            body: JSON.stringify({ model: 'team/gpt-5.5', max_tokens: 50, messages: [{ role: 'user', content: `request ${i}` }] }),
          }).then(async (res) => (await res.text(), res.status)),
        ),
      );
      const admitted = statuses.filter((s) => s === 200).length;
      expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
      expect(admitted).toBeGreaterThan(0);
      expect(admitted).toBeLessThan(50);
      const records = () =>
        [one, two].flatMap((p) =>
          p
            .output()
            .split('\n')
            .filter((l) => l.startsWith('{"_aws"'))
            .map((l) => JSON.parse(l)),
        );
      const table = new StateTable(TABLE, 1000, () => client);
      const counterNanos = async (): Promise<number> => {
        const windows = await table.query(`limit#ml-pool#${new Date().toISOString().slice(0, 7)}#pool#0`);
        return Number(windows[0]?.usdNanos ?? 0);
      };
      // Settlement runs after each answer's last byte: wait until every record is in and the counter is still.
      let spentNanos = 0;
      for (let i = 0; i < 200; i++) {
        const inference = records().filter((r) => r.api === 'chat');
        spentNanos = inference.reduce((sum, r) => sum + Math.round(r.CostUSD * 1e9), 0);
        if (inference.length === 50 && (await counterNanos()) === spentNanos) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const inference = records().filter((r) => r.api === 'chat');
      expect(inference).toHaveLength(50);
      expect(inference.filter((r) => r.status === 200)).toHaveLength(admitted);
      expect(inference.filter((r) => r.status === 429).every((r) => r.limit === 'ml-pool' && r.error === 'budget_exceeded')).toBe(true);
      expect(await counterNanos()).toBe(spentNanos);
      expect(spentNanos).toBeLessThanOrEqual(BUDGET_USD * 1e9);
    } finally {
      await stopCli(one.child);
      await stopCli(two.child);
      await simulator.close();
      await dynamo.close();
    }
  }, 60_000);
});
