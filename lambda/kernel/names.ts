/**
 * Names and defaults that the function (lambda/) and the CDK app (lib/) share, defined once so the
 * two cannot drift.
 */

/** A person or service: `user:<id>` or `service:<id>`. */
export const SUBJECT_PATTERN = /^(user|service):[^\s/]{1,128}$/;
/** A team named as a subject: `team:<name>`. */
export const TEAM_SUBJECT_PATTERN = /^team:[A-Za-z0-9._-]{1,64}$/;
/** An IAM role ARN in any partition. */
export const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\-/]{1,512}$/;
/** An IAM role ARN pattern: the account and the name may hold `*` wildcards. */
export const ROLE_ARN_WILDCARD_PATTERN = /^arn:aws[a-z-]*:iam::(\d{12}|\*):role\/[\w+=,.@\-/*]+$/;
/** A Secrets Manager secret ARN in any partition. */
export const SECRET_ARN_PATTERN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;

/** How long the configuration document is cached (GATEWAY_CONFIG_TTL_SECONDS). */
export const DEFAULT_CONFIG_TTL_SECONDS = 60;
/** The EMF namespace (METRICS_NAMESPACE). */
export const DEFAULT_METRICS_NAMESPACE = 'MantleGateway';
/** How long a table token lookup is cached (GATEWAY_TOKEN_CACHE_SECONDS). */
export const DEFAULT_TOKEN_CACHE_SECONDS = 30;
/** Bound on each state table call (GATEWAY_TABLE_TIMEOUT_MS). */
export const DEFAULT_TABLE_TIMEOUT_MS = 1_000;
