#!/usr/bin/env node
// The CDK app entry: reads context, creates the stacks. The logic lives in lib/.
import { App, Duration } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { customerRoleContextHelp, listContext, MantleCustomerRoleStack, MantleGatewayStack } from '../lib/mantle-gateway-stack';

const app = new App();
const ctx = (key: string): unknown => app.node.tryGetContext(key);
const text = (key: string): string | undefined => (ctx(key) === undefined || ctx(key) === '' ? undefined : String(ctx(key)));
const reserved = text('reservedConcurrency');
const assumableRoleArns = listContext(ctx('assumableRoleArns'));
const corsAllowedOrigins = listContext(ctx('corsOrigins'));
const openaiV1PrefixModels = listContext(ctx('openaiV1PrefixModels'));

new MantleGatewayStack(app, 'MantleGateway', {
  gateway: (stack) => ({
    ...(text('configSecretArn') ? { configSecret: secretsmanager.Secret.fromSecretCompleteArn(stack, 'ImportedConfigSecret', text('configSecretArn')!) } : {}),
    ...(assumableRoleArns ? { assumableRoleArns } : {}),
    ...(text('metricsNamespace') ? { metricsNamespace: text('metricsNamespace')! } : {}),
    ...(reserved ? { reservedConcurrency: Number(reserved) } : {}),
    ...(corsAllowedOrigins ? { corsAllowedOrigins } : {}),
    ...(text('alarmTopicArn') ? { alarmTopic: sns.Topic.fromTopicArn(stack, 'AlarmTopic', text('alarmTopicArn')!) } : {}),
    ...(text('configTtlSeconds') ? { configTtl: Duration.seconds(Number(text('configTtlSeconds'))) } : {}),
    ...(openaiV1PrefixModels ? { openaiV1PrefixModels } : {}),
    ...(text('compute') ? { compute: text('compute') as 'function-url' | 'web-function' } : {}),
    ...(text('maxConcurrencyPerEnvironment') ? { maxConcurrencyPerEnvironment: Number(text('maxConcurrencyPerEnvironment')) } : {}),
    ...(text('rateLimit') ? { rateLimit: Number(text('rateLimit')) } : {}),
  }),
});

// In a customer account: npx cdk deploy MantleGatewayCustomerRole -c gatewayRoleArn=… -c externalId=…
const gatewayRoleArn = text('gatewayRoleArn');
const externalId = text('externalId');
const customerHelp = customerRoleContextHelp(gatewayRoleArn, externalId);
if (customerHelp.error) throw new Error(customerHelp.error);
// The CDK CLI cannot tell an app which stack was asked for, so without its context the stack does
// not exist ("No stacks match"); this line, shown before that, says what to pass.
if (customerHelp.hint) process.stderr.write(`${customerHelp.hint}\n`);
if (gatewayRoleArn && externalId) {
  new MantleCustomerRoleStack(app, 'MantleGatewayCustomerRole', { role: { gatewayRoleArn, externalId } });
}
