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
