/** The state table's fixed key schema (SPEC section 11), shared by the gateway, the CLI and the CDK stack. */
export const STATE_TABLE_KEYS = { partition: 'pk', sort: 'sk', ttl: 'expiresAt' } as const;

/** The item operations the gateway performs on the table, and nothing else (the function's grant). */
export const STATE_TABLE_ITEM_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query'] as const;
