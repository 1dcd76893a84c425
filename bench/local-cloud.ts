// The benchmarks' local cloud, in one process: the Mantle simulator and the local AWS stand-in
// sharing credentials (so the simulator accepts what STS issues). Prints its URLs as JSON.
import { AwsStandIn } from '../lambda/simulator/aws/aws-stand-in';
import { SimulatorCredentials } from '../lambda/simulator/credentials';
import { MantleSimulator } from '../lambda/simulator/server';
import { LocalDynamoDb } from '../lambda/simulator/aws/local-dynamodb';
import { createStateTable } from '../lambda/aws/state-table-admin';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export const BENCH_TABLE = 'mantle-gateway-bench';

export const BENCH_ROLE_ARN = 'arn:aws:iam::111122223333:role/MantleGatewayAccess';
export const BENCH_EXTERNAL_ID = 'bench-external-id';

async function main(): Promise<void> {
  const credentials = new SimulatorCredentials();
  const simulator = new MantleSimulator({ credentials, eventDelayMs: Number(process.env.SIM_EVENT_DELAY_MS ?? 0) });
  const aws = new AwsStandIn(credentials);
  aws.sts.roles.set(BENCH_ROLE_ARN, { externalId: BENCH_EXTERNAL_ID });
  const simulatorUrl = await simulator.start();
  const awsUrl = await aws.start();
  const dynamo = new LocalDynamoDb();
  const dynamoUrl = await dynamo.start();
  await createStateTable(
    BENCH_TABLE,
    new DynamoDBClient({ endpoint: dynamoUrl, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  );
  // The bench asks for a secret by writing its text on stdin: one JSON line {"secret": name, "text": …}.
  process.stdin.setEncoding('utf8');
  let buffered = '';
  process.stdin.on('data', (chunk: string) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      const { secret, text } = JSON.parse(line) as { secret: string; text: string };
      aws.secretsManager.createSecret(secret, text);
      process.stdout.write(`${JSON.stringify({ created: secret })}\n`);
    }
  });
  process.stdout.write(
    `${JSON.stringify({ simulatorUrl, awsUrl, dynamoUrl, tableName: BENCH_TABLE, environment: aws.environment(awsUrl), roleArn: BENCH_ROLE_ARN, externalId: BENCH_EXTERNAL_ID })}\n`,
  );
  const stop = (): void => void Promise.all([simulator.close(), aws.close(), dynamo.close()]).then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main();
