import type { ResolvedModel } from '../config/gateway-config';
import { AuthenticationError, type GatewayError } from '../kernel/errors';
import type { OpenAIPrefix } from '../kernel/openai-prefix';
import type { Usage } from '../kernel/usage';
import { anthropicErrorFormat, type ErrorFormat } from './error-format';

/** What every route's surface declares: its name in records and its own error format. */
export interface ExchangeSurface {
  /** For records: `chat`, `responses`, `messages`, `count_tokens`, `models`, `admin`, … */
  readonly operation: string;
  readonly errorFormat: ErrorFormat;
}

/** Where an exchange went, learned once: the account, the model (when there is one), region and prefix. */
export interface ExchangeRoute {
  readonly account: string;
  readonly model?: ResolvedModel;
  readonly region: string;
  readonly prefix?: OpenAIPrefix;
}

/** How the upstream answer ended, as the relay saw it (once per exchange). */
export interface AnswerResult {
  readonly usage: Usage | undefined;
  /** Milliseconds from the request's start to the first byte the client got (streams). */
  readonly firstByteMs?: number;
  /** An error code when a stream ended with an in-band error. */
  readonly inBandError?: string;
  /** True when the usage is only what was known when the stream was cut. */
  readonly partial?: boolean;
  /** The client went away mid-answer (Web Function): the record says `client_closed`, not an in-band error. */
  readonly clientClosed?: boolean;
}

/** Everything the record says of an exchange, fixed when it ends. */
export interface ExchangeOutcome {
  readonly status: number;
  readonly subject: string | undefined;
  readonly operation: string;
  readonly stream: boolean;
  readonly route: ExchangeRoute | undefined;
  readonly upstreamRequestId: string | undefined;
  readonly usage: Usage | undefined;
  readonly firstByteMs: number | undefined;
  readonly error: string | undefined;
  readonly inBandError: boolean;
  readonly partial: boolean;
  readonly authFailed: boolean;
  /** Extra trace properties (the limit that refused, the state of the limit store, …). */
  readonly notes: Readonly<Record<string, string | number | boolean>>;
}

/** Thrown when something tries to learn a fact of an exchange a second time: a bug, never input. */
export class ExchangeStateError extends Error {
  public override readonly name: string = 'ExchangeStateError';
}

/**
 * One request's exchange, created by its route's surface when the request is routed. It holds the
 * error format (the surface's, or Anthropic's for a request carrying `anthropic-version`: SPEC
 * section 1), learns who called, where the request went and how the answer ended, each once, and
 * ends in one immutable ExchangeOutcome that the request's record serialises.
 */
export class Exchange {
  public readonly errorFormat: ErrorFormat;
  public readonly operation: string;
  private subjectValue: string | undefined;
  private routeValue: ExchangeRoute | undefined;
  private streamValue = false;
  private upstreamRequestIdValue: string | undefined;
  private answerValue: AnswerResult | undefined;
  private readonly notesValue: Record<string, string | number | boolean> = {};
  private ended: ExchangeOutcome | undefined;
  private readonly endHooks: ((outcome: ExchangeOutcome) => Promise<void>)[] = [];
  private settledValue: Promise<void> = Promise.resolve();

  public constructor(surface: ExchangeSurface, headers: Readonly<Record<string, string>>) {
    this.operation = surface.operation;
    this.errorFormat = headers['anthropic-version'] !== undefined ? anthropicErrorFormat : surface.errorFormat;
  }

  /** True when answers use the Anthropic shapes (the Messages surface, or `anthropic-version`). */
  public get anthropic(): boolean {
    return this.errorFormat.name === 'anthropic';
  }

  public get route(): ExchangeRoute | undefined {
    return this.routeValue;
  }

  /** The caller, once authenticated. */
  public identify(subject: string): void {
    if (this.subjectValue !== undefined && this.subjectValue !== subject) throw new ExchangeStateError('subject already known');
    this.subjectValue = subject;
  }

  /** Where the request goes: known before the upstream call, completed by `routed` with the prefix. */
  public target(route: ExchangeRoute, stream: boolean): void {
    if (this.routeValue) throw new ExchangeStateError('route already known');
    this.routeValue = route;
    this.streamValue = stream;
  }

  /** The prefix Mantle answered on, once it answered (after any retry on the other one). */
  public routed(prefix: OpenAIPrefix, upstreamRequestId: string | undefined): void {
    if (!this.routeValue || this.routeValue.prefix !== undefined) throw new ExchangeStateError('prefix learned twice or before the route');
    this.routeValue = { ...this.routeValue, prefix };
    this.upstreamRequestIdValue = upstreamRequestId;
  }

  /** A trace property for the record (`limit`, `limitStore`, `group`, `fallbacks`). */
  public note(name: string, value: string | number | boolean): void {
    this.notesValue[name] = value;
  }

  /** How the answer ended (once). */
  public answered(result: AnswerResult): void {
    if (this.answerValue) throw new ExchangeStateError('answer already settled');
    this.answerValue = result;
  }

  /** Work to do once the exchange ended (settling limits), started after the client's last byte. */
  public onEnd(hook: (outcome: ExchangeOutcome) => Promise<void>): void {
    this.endHooks.push(hook);
  }

  /** Resolves when every end hook finished (never rejects). */
  public get settled(): Promise<void> {
    return this.settledValue;
  }

  /**
   * Ends the exchange with the status the client got and the error it was refused with, if any, and
   * starts the end hooks. Called once the answer's last byte was handed over; later calls return the
   * same outcome.
   */
  public end(status: number, error?: GatewayError): ExchangeOutcome {
    if (this.ended) return this.ended;
    const answer = this.answerValue;
    this.ended = Object.freeze({
      status,
      subject: this.subjectValue,
      operation: this.operation,
      stream: this.streamValue,
      route: this.routeValue,
      upstreamRequestId: this.upstreamRequestIdValue,
      usage: answer?.usage,
      firstByteMs: answer?.firstByteMs,
      error: error?.code ?? (answer?.clientClosed ? 'client_closed' : answer?.inBandError),
      inBandError: !error && !answer?.clientClosed && answer?.inBandError !== undefined,
      partial: answer?.partial ?? false,
      authFailed: error instanceof AuthenticationError,
      notes: Object.freeze({ ...this.notesValue }),
    });
    const outcome = this.ended;
    if (this.endHooks.length) this.settledValue = Promise.all(this.endHooks.map((hook) => hook(outcome).catch(() => undefined))).then(() => undefined);
    return outcome;
  }
}
