import { ConfigurationUnavailableError } from '../kernel/errors';
import { logger, type Logger } from '../kernel/log';
import type { ConfigSource } from './document-store';
import { GatewayConfig } from './gateway-config';
import type { ConfigDocument } from './schema';
import { ConfigValidationError, parseConfigDocument } from './validate';

const MS_PER_SECOND = 1000;

/** Loads a validated configuration from a source and keeps it for a TTL. */
export class ConfigCache {
  private current: GatewayConfig | undefined;
  private loadedAt = 0;
  private refreshing: Promise<GatewayConfig> | undefined;
  private lastFailure: string | undefined;

  public constructor(
    private readonly source: ConfigSource,
    private readonly ttlSeconds: number,
    private readonly log: Logger = logger,
    private readonly now: () => number = Date.now,
    /** The deployment's own checks of a valid document (limits need a table). */
    private readonly check: (document: ConfigDocument, origin: string) => void = () => undefined,
  ) {}

  /**
   * The configuration to serve with. Once it is older than the TTL, a refresh starts and the held
   * document is served meanwhile; a refresh that fails or is invalid keeps the last good document.
   * Only with no good document ever loaded does a caller wait, and get a 503 if loading fails.
   */
  public async get(now: number = this.now()): Promise<GatewayConfig> {
    if (this.current) {
      if (now - this.loadedAt >= this.ttlSeconds * MS_PER_SECOND) void this.refresh().catch(() => undefined);
      return this.current;
    }
    try {
      return await this.refresh();
    } catch (error) {
      throw new ConfigurationUnavailableError(error);
    }
  }

  /** Loads now (collapsing concurrent calls into one read). */
  public refresh(): Promise<GatewayConfig> {
    this.refreshing ??= this.load().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async load(): Promise<GatewayConfig> {
    try {
      const { text, version } = await this.source.read();
      let config = this.current && this.current.version === version ? this.current : undefined;
      if (!config) {
        const document = parseConfigDocument(text, this.source.description);
        this.check(document, this.source.description);
        config = new GatewayConfig(document, text);
      }
      this.current = config;
      this.loadedAt = this.now();
      this.lastFailure = undefined;
      return config;
    } catch (error) {
      // Log a failure once per distinct cause, never the document's content.
      const summary =
        error instanceof ConfigValidationError
          ? error.message
          : `could not read ${this.source.description}: ${(error as Error).name}: ${(error as Error).message}`;
      if (summary !== this.lastFailure) {
        this.lastFailure = summary;
        this.log.log('WARN', this.current ? 'configuration refresh failed; keeping the last good document' : 'configuration load failed', { error: summary });
      }
      // Retry after another TTL rather than on every request.
      if (this.current) this.loadedAt = this.now();
      throw error;
    }
  }
}
