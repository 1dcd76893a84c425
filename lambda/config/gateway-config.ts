import { createHash } from 'node:crypto';
import { modelName, type AccountConfig, type ConfigDocument, type ModelConfig, type TokenRecord } from './schema';

/** A model with its account, as requests see it. */
export interface ResolvedModel {
  readonly account: AccountConfig;
  readonly model: ModelConfig;
  /** The model's name within its account. */
  readonly name: string;
  /** The public id, `account/name`. */
  readonly id: string;
  /** The model's region, else its account's. */
  readonly region: string;
}

/**
 * A validated configuration document with the indexes that requests need, built once per load so
 * the request path does only map look-ups.
 */
export class GatewayConfig {
  /** Names this document's content: the ETag of the admin API and the `If-Match` base. */
  public readonly version: string;
  public readonly tokensByHash: ReadonlyMap<string, TokenRecord>;
  public readonly accounts: ReadonlyMap<string, AccountConfig>;
  public readonly models: readonly ResolvedModel[];
  public readonly admins: ReadonlySet<string>;
  /** Teams each subject belongs to. */
  public readonly teamsOf: ReadonlyMap<string, readonly string[]>;
  public readonly identityProviders: ConfigDocument['identityProviders'];
  /** Model groups by name, each with its targets resolved. */
  public readonly groups: ReadonlyMap<string, { readonly config: ConfigDocument['groups'][number]; readonly targets: readonly ResolvedModel[] }>;
  /** The HMAC key for response ids. */
  public readonly signingKey: Buffer;

  /** The version (an ETag) of a document's text. */
  public static versionOf(text: string): string {
    return `"${createHash('sha256').update(text).digest('base64url').slice(0, 27)}"`;
  }

  public constructor(
    public readonly document: ConfigDocument,
    text: string,
  ) {
    this.version = GatewayConfig.versionOf(text);
    this.tokensByHash = new Map(document.tokens.map((t) => [t.hash, t]));
    this.accounts = new Map(document.accounts.map((a) => [a.name, a]));
    this.models = document.accounts.flatMap((account) =>
      account.models.map((model) => {
        const name = modelName(model);
        return { account, model, name, id: `${account.name}/${name}`, region: model.region ?? account.region };
      }),
    );
    this.admins = new Set(document.admins);
    const teamsOf = new Map<string, string[]>();
    for (const [team, members] of Object.entries(document.teams)) {
      for (const member of members) teamsOf.set(member, [...(teamsOf.get(member) ?? []), team]);
    }
    this.teamsOf = teamsOf;
    this.signingKey = Buffer.from(document.signingKey, 'base64');
    this.identityProviders = document.identityProviders;
    const byId = new Map(this.models.map((m) => [m.id, m]));
    this.groups = new Map(document.groups.map((g) => [g.name, { config: g, targets: g.targets.map((t) => byId.get(t)!) }]));
  }
}
