// zod/mini: the same validation as zod's classic API at a twentieth of the bundle (26 KB against
// 443 KB minified, measured), which the Lambda parses at every cold start.
import * as z from 'zod/mini';
import { en } from 'zod/v4/locales';
import { ApiName } from '../kernel/api';
import { ROLE_ARN_PATTERN, SUBJECT_PATTERN, TEAM_SUBJECT_PATTERN } from '../kernel/names';
import { MANTLE_REGIONS } from './regions';
import { endpointProblem, isLoopbackHost } from './endpoint-rule';

// English messages for the problems the validator lists (zod/mini ships none by default).
z.config(en());

/** Minimum entropy of the key that authenticates response ids. */
export const MIN_SIGNING_KEY_BYTES = 32;
/** STS AssumeRole duration bounds for customer roles. */
export const MIN_SESSION_DURATION_SECONDS = 900;
export const MAX_SESSION_DURATION_SECONDS = 3600;
/** Models one account may list: a bound, so no document grows past what a secret holds by one account alone. */
export const MAX_MODELS_PER_ACCOUNT = 200;

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const RouteName = { auto: 'auto', v1: 'v1', openaiV1: 'openai-v1' } as const;
export type RouteName = (typeof RouteName)[keyof typeof RouteName];

const pattern = (re: RegExp, message: string) => z.string().check(z.regex(re, message));
const NAME_RULE = 'letters, digits, ".", "_" and "-" only, 64 at most';

const subject = pattern(SUBJECT_PATTERN, 'must be "user:<id>" or "service:<id>"');
const collaboratorSubject = z
  .string()
  .check(z.refine((s) => s === '*' || SUBJECT_PATTERN.test(s) || TEAM_SUBJECT_PATTERN.test(s), 'must be "user:<id>", "service:<id>", "team:<name>" or "*"'));
const isoDate = z.iso.datetime({ offset: true });
const usdPerMillion = z.number().check(z.minimum(0));

const signingKey = z.string().check(
  z.refine((s) => /^[A-Za-z0-9+/]+={0,2}$/.test(s) && Buffer.from(s, 'base64').length >= MIN_SIGNING_KEY_BYTES, {
    message: `must be base64 of at least ${MIN_SIGNING_KEY_BYTES} random bytes (run "mantle-gateway init" to generate one)`,
  }),
);

export const PriceSchema = z.strictObject({
  input: usdPerMillion,
  cachedInput: z.optional(usdPerMillion),
  cacheWrite: z.optional(usdPerMillion),
  output: usdPerMillion,
});

export const TokenSchema = z.strictObject({
  id: pattern(/^[A-Za-z0-9_-]{4,64}$/, 'letters, digits, "_" and "-", 4 to 64'),
  hash: pattern(/^sha256:[0-9a-f]{64}$/, 'must be "sha256:" and 64 lower-case hex digits'),
  subject,
  name: z.optional(z.string().check(z.maxLength(128))),
  createdAt: isoDate,
  expiresAt: z.optional(z.nullable(isoDate)),
  revoked: z._default(z.boolean(), false),
});

const AuthSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('access-key'),
    accessKeyId: z.string().check(z.minLength(16), z.maxLength(128)),
    secretAccessKey: z.string().check(z.minLength(1)),
    sessionToken: z.optional(z.string().check(z.minLength(1))),
  }),
  z.strictObject({
    type: z.literal('assume-role'),
    roleArn: pattern(ROLE_ARN_PATTERN, 'must be an IAM role ARN'),
    externalId: z.optional(z.string().check(z.minLength(2), z.maxLength(1224))),
    sessionDurationSeconds: z._default(
      z.int().check(z.minimum(MIN_SESSION_DURATION_SECONDS), z.maximum(MAX_SESSION_DURATION_SECONDS)),
      MAX_SESSION_DURATION_SECONDS,
    ),
  }),
  z.strictObject({ type: z.literal('api-key'), apiKey: z.string().check(z.minLength(1)) }),
  z.strictObject({ type: z.literal('default') }),
]);

export const ModelSchema = z.strictObject({
  name: z.optional(pattern(NAME_PATTERN, NAME_RULE)),
  modelId: pattern(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/, 'must be a Mantle model id such as "openai.gpt-oss-120b"'),
  region: z.optional(z.enum(MANTLE_REGIONS)),
  route: z._default(z.enum([RouteName.auto, RouteName.v1, RouteName.openaiV1]), RouteName.auto),
  price: z.optional(PriceSchema),
  apis: z.optional(
    z.array(z.enum([ApiName.chat, ApiName.responses, ApiName.messages])).check(
      z.minLength(1),
      z.refine((a) => new Set(a).size === a.length, 'must not repeat an API'),
    ),
  ),
});

const CollaboratorSchema = z.strictObject({ subject: collaboratorSubject, role: z.enum(['user', 'manager']) });

export const AccountSchema = z.strictObject({
  name: pattern(NAME_PATTERN, NAME_RULE),
  region: z.enum(MANTLE_REGIONS),
  auth: AuthSchema,
  endpoint: z.optional(
    z.string().check(
      z.superRefine((value, ctx) => {
        const problem = endpointProblem(value);
        if (problem) ctx.addIssue({ code: 'custom', message: problem, input: value });
      }),
    ),
  ),
  project: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  collaborators: z._default(z.array(CollaboratorSchema), []),
  models: z._default(z.array(ModelSchema).check(z.maxLength(MAX_MODELS_PER_ACCOUNT, `at most ${MAX_MODELS_PER_ACCOUNT} models per account`)), []),
});

/** The fixed UTC calendar windows a limit counts in. */
export const LimitWindow = { minute: 'minute', hour: 'hour', day: 'day', month: 'month' } as const;
export type LimitWindow = (typeof LimitWindow)[keyof typeof LimitWindow];

/** What limits do while the state table cannot be reached. */
export const LimitStoreFailure = { allow: 'allow', deny: 'deny' } as const;

/** Most shards one pooled limit may spread over. */
export const MAX_LIMIT_SHARDS = 32;

const positiveInt = z.int().check(z.minimum(1));

export const LimitSchema = z
  .strictObject({
    name: pattern(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, "_", "." and "-", 64 at most'),
    subjects: z.optional(z.array(collaboratorSubject).check(z.minLength(1))),
    accounts: z.optional(z.array(z.string()).check(z.minLength(1))),
    models: z.optional(z.array(z.string()).check(z.minLength(1))),
    pooled: z._default(z.boolean(), false),
    per: z.enum([LimitWindow.minute, LimitWindow.hour, LimitWindow.day, LimitWindow.month]),
    requests: z.optional(positiveInt),
    tokens: z.optional(positiveInt),
    usd: z.optional(z.number().check(z.positive())),
    /** A hot pooled limit spread over this many counters (each holds an equal share of the bound). */
    shards: z.optional(z.int().check(z.minimum(1), z.maximum(MAX_LIMIT_SHARDS))),
  })
  .check(
    z.refine((l) => l.requests !== undefined || l.tokens !== undefined || l.usd !== undefined, 'needs at least one of "requests", "tokens" and "usd"'),
    z.refine((l) => l.shards === undefined || l.shards === 1 || l.pooled, '"shards" applies to pooled limits only'),
  );

/** How a group picks among its healthy targets. */
export const GroupStrategy = { priority: 'priority', spread: 'spread' } as const;

/** A model group (SPEC section 14): targets that fall back to each other. */
export const GroupSchema = z.strictObject({
  name: pattern(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits, "_", ".", ":" and "-" (no "/"), 64 at most'),
  targets: z.array(pattern(/^[^/\s]+\/[^/\s]+$/, 'must be "account/model"')).check(
    z.minLength(1),
    z.refine((t) => new Set(t).size === t.length, 'must not repeat a target'),
  ),
  strategy: z._default(z.enum([GroupStrategy.priority, GroupStrategy.spread]), GroupStrategy.priority),
});

/** An identity provider whose JWTs the gateway accepts (SPEC section 13). */
export const IdentityProviderSchema = z.strictObject({
  name: pattern(NAME_PATTERN, NAME_RULE),
  issuer: z.string().check(
    z.superRefine((value, ctx) => {
      const problem = issuerProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, input: value });
    }),
  ),
  audience: z.string().check(z.minLength(1), z.maxLength(256)),
  /** Compare the audience with this claim instead of `aud` (Cognito access tokens carry `client_id`). */
  audienceClaim: z.optional(pattern(/^[A-Za-z0-9_:.-]{1,64}$/, 'a claim name')),
  jwksUri: z.optional(
    z.string().check(
      z.superRefine((value, ctx) => {
        const problem = issuerProblem(value);
        if (problem) ctx.addIssue({ code: 'custom', message: problem, input: value });
      }),
    ),
  ),
  subjectClaim: z._default(pattern(/^[A-Za-z0-9_:.-]{1,64}$/, 'a claim name'), 'email'),
  groupsClaim: z.optional(pattern(/^[A-Za-z0-9_:./-]{1,128}$/, 'a claim name')),
  /** Group (as the provider names it) → team (as `teams` names it). */
  teams: z._default(z.record(z.string().check(z.minLength(1), z.maxLength(256)), z.string()), {}),
  allowAdmins: z._default(z.boolean(), false),
});

/** Why an issuer or JWKS URL cannot be used: `https://`, or `http://` on loopback only. */
function issuerProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute https:// URL';
  }
  if (url.username || url.password) return 'must not contain credentials';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return undefined;
  return 'must be https:// (or http:// on a loopback address, for local development)';
}

export const ConfigDocumentSchema = z
  .strictObject({
    version: z.literal(1),
    signingKey,
    admins: z._default(z.array(subject), []),
    teams: z._default(z.record(pattern(/^[A-Za-z0-9._-]{1,64}$/, 'team names: letters, digits, ".", "_" and "-"'), z.array(subject)), {}),
    tokens: z._default(z.array(TokenSchema), []),
    accounts: z._default(z.array(AccountSchema), []),
    limits: z._default(z.array(LimitSchema), []),
    identityProviders: z._default(z.array(IdentityProviderSchema), []),
    groups: z._default(z.array(GroupSchema), []),
    limitStoreFailure: z._default(z.enum([LimitStoreFailure.allow, LimitStoreFailure.deny]), LimitStoreFailure.allow),
  })
  .check(
    z.superRefine((doc, ctx) => {
      unique(
        doc.tokens.map((t) => t.id),
        ['tokens'],
        'id',
        ctx,
      );
      unique(
        doc.tokens.map((t) => t.hash),
        ['tokens'],
        'hash',
        ctx,
      );
      unique(
        doc.accounts.map((a) => a.name),
        ['accounts'],
        'name',
        ctx,
      );
      unique(
        doc.limits.map((l) => l.name),
        ['limits'],
        'name',
        ctx,
      );
      doc.limits.forEach((limit, i) => limitFilterProblems(doc, limit, i, ctx));
      unique(
        doc.groups.map((g) => g.name),
        ['groups'],
        'name',
        ctx,
      );
      const modelNames = new Set(doc.accounts.flatMap((a) => a.models.flatMap((m) => [modelName(m), m.modelId])));
      const targets = new Set(doc.accounts.flatMap((a) => a.models.map((m) => `${a.name}/${modelName(m)}`)));
      doc.groups.forEach((group, i) => {
        if (modelNames.has(group.name)) {
          ctx.addIssue({
            code: 'custom',
            path: ['groups', i, 'name'],
            message: `"${group.name}" is also a model's name or id; a group needs a name of its own`,
            input: group.name,
          });
        }
        group.targets.forEach((target, j) => {
          if (!targets.has(target))
            ctx.addIssue({ code: 'custom', path: ['groups', i, 'targets', j], message: `no model "${target}" (account/name) in the document`, input: target });
        });
      });
      unique(
        doc.identityProviders.map((p) => p.name),
        ['identityProviders'],
        'name',
        ctx,
      );
      unique(
        doc.identityProviders.map((p) => p.issuer.replace(/\/$/, '')),
        ['identityProviders'],
        'issuer',
        ctx,
      );
      doc.identityProviders.forEach((provider, i) => {
        for (const [group, team] of Object.entries(provider.teams)) {
          if (!(team in doc.teams))
            ctx.addIssue({ code: 'custom', path: ['identityProviders', i, 'teams', group], message: `team "${team}" is not defined in "teams"`, input: team });
        }
      });
      doc.accounts.forEach((account, i) => {
        unique(account.models.map(modelName), ['accounts', i, 'models'], 'name', ctx);
        if (account.endpoint && !endpointProblem(account.endpoint)) {
          // The endpoint's host names a region: it must be one this account's requests go to.
          const regions = [account.region, ...account.models.map((m) => m.region ?? account.region)];
          const problem = endpointProblem(account.endpoint, regions);
          if (problem) ctx.addIssue({ code: 'custom', path: ['accounts', i, 'endpoint'], message: problem, input: account.endpoint });
        }
        account.collaborators.forEach((c, j) => {
          if (c.subject.startsWith('team:') && !(c.subject.slice(5) in doc.teams)) {
            ctx.addIssue({
              code: 'custom',
              path: ['accounts', i, 'collaborators', j, 'subject'],
              message: `team "${c.subject.slice(5)}" is not defined in "teams"`,
              input: c.subject,
            });
          }
        });
      });
    }),
  );

/** A limit's filters must name teams, accounts and models (or groups) that exist. */
function limitFilterProblems(
  doc: Pick<ConfigDocumentShape, 'teams' | 'accounts' | 'groups'>,
  limit: z.output<typeof LimitSchema>,
  i: number,
  ctx: IssueSink,
): void {
  limit.subjects?.forEach((s, j) => {
    if (s.startsWith('team:') && !(s.slice(5) in doc.teams)) {
      ctx.addIssue({ code: 'custom', path: ['limits', i, 'subjects', j], message: `team "${s.slice(5)}" is not defined in "teams"`, input: s });
    }
  });
  const accounts = limit.accounts ? doc.accounts.filter((a) => limit.accounts!.includes(a.name)) : doc.accounts;
  limit.accounts?.forEach((name, j) => {
    if (!doc.accounts.some((a) => a.name === name))
      ctx.addIssue({ code: 'custom', path: ['limits', i, 'accounts', j], message: `no account named "${name}"`, input: name });
  });
  const names = new Set([...accounts.flatMap((a) => a.models.flatMap((m) => [modelName(m), m.modelId])), ...doc.groups.map((g) => g.name)]);
  limit.models?.forEach((name, j) => {
    if (!names.has(name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['limits', i, 'models', j],
        message: `no model named "${name}"${limit.accounts ? ' in those accounts' : ''}`,
        input: name,
      });
    }
  });
}

type ConfigDocumentShape = {
  teams: Record<string, string[]>;
  accounts: { name: string; models: { name?: string | undefined; modelId: string }[] }[];
  groups: { name: string }[];
};

type IssueSink = { addIssue(issue: { code: 'custom'; path: (string | number)[]; message: string; input: unknown }): void };

function unique(values: readonly string[], path: (string | number)[], field: string, ctx: IssueSink): void {
  const seen = new Set<string>();
  values.forEach((value, index) => {
    if (seen.has(value))
      ctx.addIssue({ code: 'custom', path: [...path, index, field], message: `duplicate ${field} "${field === 'hash' ? '…' : value}"`, input: value });
    seen.add(value);
  });
}

/** A model's name: its own, or the model id without its provider prefix (`openai.gpt-5.5` → `gpt-5.5`). */
export function modelName(model: { readonly name?: string | undefined; readonly modelId: string }): string {
  if (model.name) return model.name;
  const dot = model.modelId.indexOf('.');
  return dot === -1 ? model.modelId : model.modelId.slice(dot + 1);
}

export type ConfigDocument = z.output<typeof ConfigDocumentSchema>;
export type ConfigDocumentInput = z.input<typeof ConfigDocumentSchema>;
export type AccountConfig = ConfigDocument['accounts'][number];
export type ModelConfig = AccountConfig['models'][number];
export type AuthConfig = AccountConfig['auth'];
export type TokenRecord = ConfigDocument['tokens'][number];
export type Price = z.output<typeof PriceSchema>;
export type CollaboratorRole = AccountConfig['collaborators'][number]['role'];
export type LimitConfig = ConfigDocument['limits'][number];
export type IdentityProviderConfig = ConfigDocument['identityProviders'][number];
export type GroupConfig = ConfigDocument['groups'][number];
