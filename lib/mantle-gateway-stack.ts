import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { MantleCustomerRole, type MantleCustomerRoleProps } from './customer-role';
import { MantleGateway, type MantleGatewayProps } from './mantle-gateway';

/** Props of {@link MantleGatewayStack}. */
export interface MantleGatewayStackProps extends StackProps {
  /**
   * The gateway's props, or a function that builds them in the stack's scope (for constructs the
   * props refer to, such as an imported secret or topic).
   * @default the construct's defaults
   */
  readonly gateway?: MantleGatewayProps | ((stack: Stack) => MantleGatewayProps);
}

/** The gateway, deployed by `npx cdk deploy MantleGateway`; the outputs belong to the stack. */
export class MantleGatewayStack extends Stack {
  public readonly gateway: MantleGateway;

  public constructor(scope: Construct, id: string, props: MantleGatewayStackProps = {}) {
    super(scope, id, { description: 'Mantle Gateway: one OpenAI- and Anthropic-compatible URL for Amazon Bedrock Mantle', ...props });
    const gatewayProps = typeof props.gateway === 'function' ? props.gateway(this) : (props.gateway ?? {});
    this.gateway = new MantleGateway(this, 'Gateway', gatewayProps);
    const g = this.gateway;
    new CfnOutput(this, 'FunctionUrl', { value: g.url, description: 'The gateway base URL' });
    new CfnOutput(this, 'OpenAIBaseUrl', { value: g.openAIBaseUrl, description: 'baseURL for the OpenAI SDKs' });
    new CfnOutput(this, 'AnthropicBaseUrl', { value: g.anthropicBaseUrl, description: 'baseURL for the Anthropic SDKs' });
    new CfnOutput(this, 'GatewayRoleArn', { value: g.role.roleArn, description: 'Trust this role from customer accounts (mantle-gateway trust-policy)' });
    new CfnOutput(this, 'ConfigSecretArn', { value: g.configSecret.secret.secretArn, description: 'The configuration document (--secret-id)' });
    new CfnOutput(this, 'DashboardName', { value: g.dashboard.dashboard.dashboardName, description: 'CloudWatch dashboard' });
    new CfnOutput(this, 'TableName', { value: g.table.table.tableName, description: 'The state table: limit counters and table tokens (--table)' });
  }
}

/** The customer-side role, deployed in the customer's account. */
export class MantleCustomerRoleStack extends Stack {
  public readonly customerRole: MantleCustomerRole;

  public constructor(scope: Construct, id: string, props: StackProps & { readonly role: MantleCustomerRoleProps }) {
    super(scope, id, { description: 'Role that lets Mantle Gateway call Amazon Bedrock Mantle in this account', ...props });
    this.customerRole = new MantleCustomerRole(this, 'Access', props.role);
  }
}

/** Reads a context value given as a JSON array or a comma-separated list. */
export function listContext(value: unknown): string[] | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (Array.isArray(value)) return value.map(String);
  const text = String(value).trim();
  if (text.startsWith('[')) return (JSON.parse(text) as unknown[]).map(String);
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** How to deploy the customer-side role: `npx cdk deploy MantleGatewayCustomerRole -c gatewayRoleArn=… -c externalId=…`. */
export const CUSTOMER_ROLE_USAGE =
  "npx cdk deploy MantleGatewayCustomerRole -c gatewayRoleArn=<the gateway stack's GatewayRoleArn output> -c externalId=<a secret string shared with the gateway account>";

/**
 * What to say about the customer-role context: an error when only one of the two values is given,
 * a hint when neither is (the stack exists only with both, so `cdk deploy MantleGatewayCustomerRole`
 * alone would otherwise say only that no stack matches).
 */
export function customerRoleContextHelp(
  gatewayRoleArn: string | undefined,
  externalId: string | undefined,
): { readonly error?: string; readonly hint?: string } {
  if (gatewayRoleArn && externalId) return {};
  if (gatewayRoleArn || externalId)
    return {
      error: `MantleGatewayCustomerRole needs both ${gatewayRoleArn ? '-c externalId' : '-c gatewayRoleArn'} and ${gatewayRoleArn ? '-c gatewayRoleArn' : '-c externalId'}: ${CUSTOMER_ROLE_USAGE}`,
    };
  return { hint: `(The customer-side stack MantleGatewayCustomerRole is defined only with its context: ${CUSTOMER_ROLE_USAGE})` };
}
