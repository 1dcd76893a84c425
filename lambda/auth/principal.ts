/** Who is calling: the subject behind the presented token. */
export interface Principal {
  /** `user:<id>` or `service:<id>`. */
  readonly subject: string;
  readonly tokenId: string;
  readonly isAdmin: boolean;
}
