import { Aws, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { customerPermissionsPolicy } from '../lambda/auth/customer-role-policy';
import { ROLE_ARN_PATTERN } from '../lambda/kernel/names';

/** Props of {@link MantleCustomerRole}. */
export interface MantleCustomerRoleProps {
  /** The gateway's role (the stack output `GatewayRoleArn`). */
  readonly gatewayRoleArn: string;
  /** The external id the gateway's account configuration carries. */
  readonly externalId: string;
  /** @default 'MantleGatewayAccess' */
  readonly roleName?: string;
}

/**
 * The role a customer account creates for the gateway: trusted by the gateway role with an external
 * id, allowed Mantle inference. The same policy `mantle-gateway trust-policy` prints.
 */
export class MantleCustomerRole extends Construct {
  public readonly role: iam.Role;

  public constructor(scope: Construct, id: string, props: MantleCustomerRoleProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.gatewayRoleArn) && !ROLE_ARN_PATTERN.test(props.gatewayRoleArn)) {
      throw new Error(`gatewayRoleArn must be the gateway stack's GatewayRoleArn output (got "${props.gatewayRoleArn}").`);
    }
    if (!Token.isUnresolved(props.externalId) && (props.externalId.length < 2 || props.externalId.length > 1224))
      throw new Error('externalId must be 2 to 1224 characters.');
    const document = customerPermissionsPolicy(Aws.ACCOUNT_ID, Aws.PARTITION) as { Statement: { Sid: string; Action: string | string[]; Resource: string }[] };
    this.role = new iam.Role(this, 'Role', {
      roleName: props.roleName ?? 'MantleGatewayAccess',
      description: 'Lets Mantle Gateway call Amazon Bedrock Mantle in this account',
      assumedBy: new iam.ArnPrincipal(props.gatewayRoleArn),
      externalIds: [props.externalId],
      inlinePolicies: {
        MantleInference: new iam.PolicyDocument({
          statements: document.Statement.map(
            (s) => new iam.PolicyStatement({ sid: s.Sid, actions: ([] as string[]).concat(s.Action), resources: [s.Resource] }),
          ),
        }),
      },
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:bedrock-mantle:*:<AWS::AccountId>:project/*]',
      reason: 'Mantle inference on every project of this account, in any Mantle region (the gateway picks the region per model).',
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason: 'bedrock-mantle:CallWithBearerToken and the Marketplace subscription actions support no resource-level permissions.',
    });
  }
}
