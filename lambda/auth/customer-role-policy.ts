/**
 * The customer-side role: what `mantle-gateway trust-policy` prints and the CDK customer construct
 * creates. One definition so the two cannot drift.
 */

/** Marketplace actions third-party models need to be subscribed on first use. */
export const MARKETPLACE_ACTIONS = ['aws-marketplace:ViewSubscriptions', 'aws-marketplace:Subscribe'] as const;

/** The trust policy: the gateway role may assume this role, with the external id. */
export function customerTrustPolicy(gatewayRoleArn: string, externalId?: string): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: gatewayRoleArn },
        Action: 'sts:AssumeRole',
        ...(externalId ? { Condition: { StringEquals: { 'sts:ExternalId': externalId } } } : {}),
      },
    ],
  };
}

/**
 * Least-privilege permissions for Mantle inference in the customer's account (`*`: the account the
 * role lives in), in the given partition (`aws`, `aws-cn`, … or the CDK token of the deploying one).
 */
export function customerPermissionsPolicy(accountId = '*', partition = 'aws'): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'MantleInference',
        Effect: 'Allow',
        Action: 'bedrock-mantle:CreateInference',
        Resource: `arn:${partition}:bedrock-mantle:*:${accountId}:project/*`,
      },
      { Sid: 'MantleBearerTokens', Effect: 'Allow', Action: 'bedrock-mantle:CallWithBearerToken', Resource: '*' },
      { Sid: 'MarketplaceModelAccess', Effect: 'Allow', Action: [...MARKETPLACE_ACTIONS], Resource: '*' },
    ],
  };
}
