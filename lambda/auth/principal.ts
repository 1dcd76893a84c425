/** Who is calling: the subject behind the presented token. */
export interface Principal {
  /** `user:<id>` or `service:<id>`. */
  readonly subject: string;
  readonly tokenId: string;
  readonly isAdmin: boolean;
  /** The subject's teams (names as the document writes them): the document's, and those its identity provider's groups map to. */
  readonly teams: readonly string[];
  /** What the caller presented: a document token, a table token, or a JWT of an identity provider. */
  readonly via: 'document' | 'table' | 'jwt';
}

/** The principal of a token's subject: admin and teams from the document (JWTs add their own teams). */
export function principalFor(
  subject: string,
  tokenId: string,
  via: Principal['via'],
  config: { readonly admins: ReadonlySet<string>; readonly teamsOf: ReadonlyMap<string, readonly string[]> },
): Principal {
  return { subject, tokenId, isAdmin: config.admins.has(subject), teams: config.teamsOf.get(subject) ?? [], via };
}
