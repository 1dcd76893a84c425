import { customerPermissionsPolicy, customerTrustPolicy } from '../../auth/customer-role-policy';
import { parseFlags } from '../args';
import { UsageError } from '../cli-errors';
import type { Command } from './command';

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\-/]{1,512}$/;

export const trustPolicyCommand: Command = {
  name: 'trust-policy',
  summary: "print the customer role's trust and permissions policies",
  help: `Usage: mantle-gateway trust-policy --gateway-role-arn ARN [--external-id X]

Prints, for a customer account, the trust policy of the role the gateway assumes (the gateway
role as principal, with the sts:ExternalId condition) and its least-privilege permissions policy.
Instead of the permissions policy, the AWS managed policy AmazonBedrockMantleInferenceAccess may
be attached.`,
  async run(args, output) {
    const { values } = parseFlags(args, { 'gateway-role-arn': { type: 'string' }, 'external-id': { type: 'string' } });
    if (values.help) return (output.out(trustPolicyCommand.help), 0);
    const arn = values['gateway-role-arn'];
    if (!arn) throw new UsageError('Missing --gateway-role-arn ARN (the GatewayRoleArn output of the stack).');
    if (!ROLE_ARN.test(arn)) throw new UsageError(`--gateway-role-arn must be an IAM role ARN (got "${arn}").`);
    output.out('# Trust policy of the customer role');
    output.out(JSON.stringify(customerTrustPolicy(arn, values['external-id']), null, 2));
    output.out('# Permissions policy (or attach the managed policy AmazonBedrockMantleInferenceAccess)');
    output.out(JSON.stringify(customerPermissionsPolicy(), null, 2));
    return 0;
  },
};
