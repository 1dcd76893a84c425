import { z } from 'zod';
import { MANTLE_REGIONS } from './regions';
import { endpointProblem } from './endpoint-rule';

/** Minimum entropy of the key that authenticates response ids. */
export const MIN_SIGNING_KEY_BYTES = 32;
/** STS AssumeRole duration bounds for customer roles. */
export const MIN_SESSION_DURATION_SECONDS = 900;
export const MAX_SESSION_DURATION_SECONDS = 3600;

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const SUBJECT_PATTERN = /^(user|service):[^\s/]{1,128}$/;
const TEAM_SUBJECT_PATTERN = /^team:[A-Za-z0-9._-]{1,64}$/;

export const ApiName = { chat: 'chat', responses: 'responses', messages: 'messages' } as const;
export type ApiName = (typeof ApiName)[keyof typeof ApiName];

export const RouteName = { auto: 'auto', v1: 'v1', openaiV1: 'openai-v1' } as const;
export type RouteName = (typeof RouteName)[keyof typeof RouteName];

const subject = z.string().regex(SUBJECT_PATTERN, 'must be "user:<id>" or "service:<id>"');
const collaboratorSubject = z
  .string()
  .refine((s) => s === '*' || SUBJECT_PATTERN.test(s) || TEAM_SUBJECT_PATTERN.test(s), 'must be "user:<id>", "service:<id>", "team:<name>" or "*"');
const isoDate = z.iso.datetime({ offset: true });
const usdPerMillion = z.number().finite().nonnegative();

const signingKey = z.string().refine((s) => {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(s)) return false;
  return Buffer.from(s, 'base64').length >= MIN_SIGNING_KEY_BYTES;
}, `must be base64 of at least ${MIN_SIGNING_KEY_BYTES} random bytes (run "mantle-gateway init" to generate one)`);

export const PriceSchema = z.strictObject({
  input: usdPerMillion,
  cachedInput: usdPerMillion.optional(),
  cacheWrite: usdPerMillion.optional(),
  output: usdPerMillion,
});

export const TokenSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{4,64}$/),
  hash: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be "sha256:" and 64 lower-case hex digits'),
  subject,
  name: z.string().max(128).optional(),
  createdAt: isoDate,
  expiresAt: isoDate.nullable().optional(),
  revoked: z.boolean().default(false),
});

const AuthSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('access-key'),
    accessKeyId: z.string().min(16).max(128),
    secretAccessKey: z.string().min(1),
    sessionToken: z.string().min(1).optional(),
  }),
  z.strictObject({
    type: z.literal('assume-role'),
    roleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\-/]{1,512}$/, 'must be an IAM role ARN'),
    externalId: z.string().min(2).max(1224).optional(),
    sessionDurationSeconds: z.number().int().min(MIN_SESSION_DURATION_SECONDS).max(MAX_SESSION_DURATION_SECONDS).default(MAX_SESSION_DURATION_SECONDS),
  }),
  z.strictObject({ type: z.literal('api-key'), apiKey: z.string().min(1) }),
  z.strictObject({ type: z.literal('default') }),
]);

export const ModelSchema = z.strictObject({
  name: z.string().regex(NAME_PATTERN, 'letters, digits, ".", "_" and "-" only, 64 at most').optional(),
  modelId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/, 'must be a Mantle model id such as "openai.gpt-oss-120b"'),
  region: z.enum(MANTLE_REGIONS).optional(),
  route: z.enum([RouteName.auto, RouteName.v1, RouteName.openaiV1]).default(RouteName.auto),
  price: PriceSchema.optional(),
  apis: z
    .array(z.enum([ApiName.chat, ApiName.responses, ApiName.messages]))
    .min(1)
    .refine((a) => new Set(a).size === a.length, 'must not repeat an API')
    .optional(),
});

const CollaboratorSchema = z.strictObject({ subject: collaboratorSubject, role: z.enum(['user', 'manager']) });

export const AccountSchema = z.strictObject({
  name: z.string().regex(NAME_PATTERN, 'letters, digits, ".", "_" and "-" only, 64 at most'),
  region: z.enum(MANTLE_REGIONS),
  auth: AuthSchema,
  endpoint: z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      const problem = value === undefined ? undefined : endpointProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  project: z.string().min(1).max(128).optional(),
  collaborators: z.array(CollaboratorSchema).default([]),
  models: z.array(ModelSchema).default([]),
});

export const ConfigDocumentSchema = z
  .strictObject({
    version: z.literal(1),
    signingKey,
    admins: z.array(subject).default([]),
    teams: z.record(z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'team names: letters, digits, ".", "_" and "-"'), z.array(subject)).default({}),
    tokens: z.array(TokenSchema).default([]),
    accounts: z.array(AccountSchema).default([]),
  })
  .superRefine((doc, ctx) => {
    unique(doc.tokens.map((t) => t.id), ['tokens'], 'id', ctx);
    unique(doc.tokens.map((t) => t.hash), ['tokens'], 'hash', ctx);
    unique(doc.accounts.map((a) => a.name), ['accounts'], 'name', ctx);
    doc.accounts.forEach((account, i) => {
      unique(account.models.map(modelName), ['accounts', i, 'models'], 'name', ctx);
      account.collaborators.forEach((c, j) => {
        if (c.subject.startsWith('team:') && !(c.subject.slice(5) in doc.teams)) {
          ctx.addIssue({ code: 'custom', path: ['accounts', i, 'collaborators', j, 'subject'], message: `team "${c.subject.slice(5)}" is not defined in "teams"` });
        }
      });
    });
  });

function unique(values: readonly string[], path: (string | number)[], field: string, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  values.forEach((value, index) => {
    if (seen.has(value)) ctx.addIssue({ code: 'custom', path: [...path, index, field], message: `duplicate ${field} "${field === 'hash' ? '…' : value}"` });
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
