import { Stack, type StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { MantleCustomerRole, type MantleCustomerRoleProps } from './customer-role';
import { MantleGateway, type MantleGatewayProps } from './mantle-gateway';

/** The gateway, deployed by `npx cdk deploy MantleGateway`. */
export class MantleGatewayStack extends Stack {
  public readonly gateway: MantleGateway;

  public constructor(scope: Construct, id: string, props: StackProps & { readonly gateway?: MantleGatewayProps } = {}) {
    super(scope, id, { description: 'Mantle Gateway: one OpenAI- and Anthropic-compatible URL for Amazon Bedrock Mantle', ...props });
    this.gateway = new MantleGateway(this, 'Gateway', props.gateway ?? {});
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
