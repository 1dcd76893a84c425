/** An HTTP request about to be sent to Mantle, in the form signers need. */
export interface OutgoingRequest {
  readonly method: string;
  readonly url: URL;
  /** The AWS region the request is for (the signing region). */
  readonly region: string;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** Adds an account's credentials to an outgoing request. */
export interface UpstreamAuth {
  /** The headers to send: the request's own plus the authentication headers. */
  authorize(request: OutgoingRequest): Promise<Record<string, string>>;
}
