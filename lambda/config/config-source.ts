/** Where the configuration document lives: a local file or a Secrets Manager secret. */
export interface ConfigSource {
  /** For messages: "file ./gateway.json", "secret my-secret". Never the content. */
  readonly description: string;
  /** The document's current text. */
  read(): Promise<string>;
}
