import type { ResolvedModel } from '../config/gateway-config';
import type { GatewayError } from '../kernel/errors';
import type { PathPrefixPolicy, PrefixChoice } from '../routing/path-prefix';
import type { ExchangeSurface } from './exchange';
import type { ApiName, JsonObject } from '../kernel/api';
import type { OpenAIPrefix } from '../kernel/openai-prefix';
import type { Usage } from '../kernel/usage';

export type { JsonObject } from '../kernel/api';

/**
 * Watches one upstream answer on its way to the client. It may rewrite what passes (a JSON body or an
 * SSE event) and it collects usage. Pass-through returns the same bytes it was given.
 */
export interface ExchangeObserver {
  /** A non-streamed 2xx body; returns the bytes the client receives. */
  json(body: Buffer): Buffer;
  /** One complete SSE event (with its blank-line terminator); returns the bytes to send, or null to drop it. */
  event(raw: Buffer): Buffer | null;
  /** Usage seen so far (complete once the answer ended). */
  usage(): Usage | undefined;
  /** True once the stream's own terminal event passed (`[DONE]`, `message_stop`, `response.completed`…). */
  completed(): boolean;
  /** The error code of an error Mantle reported in-band (an `error` event, `response.failed`), if any. */
  failure(): string | undefined;
}

/** Maps response ids between Mantle's and the gateway's (see routing/response-ids.ts). */
export interface ResponseIdCodec {
  /** The gateway id for Mantle's id of a response this exchange created. */
  toClient(upstreamId: string): string;
  /**
   * Mantle's id and region for a gateway id the client sent (`previous_response_id`): 404 when it
   * is forged or not the caller's, 400 when it belongs to another account than the model's.
   */
  fromClient(id: string, param: string): { readonly upstreamId: string; readonly region: string };
}

/** What a surface may use to prepare one exchange. */
export interface ExchangeContext {
  readonly model: ResolvedModel;
  readonly responseIds: ResponseIdCodec;
}

/** What a surface prepares for one upstream call. */
export interface PreparedExchange {
  readonly body: Buffer;
  readonly stream: boolean;
  readonly observer: ExchangeObserver;
  /** The region to call when it is not the model's (a stored response lives where it was created). */
  readonly region?: string;
}

/**
 * One API surface (Chat Completions, Responses, Messages, count_tokens): everything that differs
 * between them, so the forwarding code stays generic.
 */
export interface ApiSurface extends ExchangeSurface {
  readonly api: ApiName;
  /** True when calls generate tokens (limits reserve tokens and spend); false for count_tokens. */
  readonly generates: boolean;
  /** The prefix to call first and whether a route refusal may move it (only the OpenAI surfaces have a choice). */
  choosePrefix(policy: PathPrefixPolicy, model: ResolvedModel): PrefixChoice;
  /** The Mantle path, given the model's prefix. */
  upstreamPath(prefix: OpenAIPrefix): string;
  /** Headers this surface adds upstream (beyond the forwarded client headers). */
  upstreamHeaders(model: ResolvedModel, clientHeaders: Readonly<Record<string, string>>): Record<string, string>;
  /**
   * Rewrites the body for Mantle (the model id, and what the surface needs) and starts an observer.
   * `json` is the parsed form of `raw`; the rewrite edits `raw` so the rest stays byte for byte.
   */
  prepare(json: JsonObject, raw: Buffer, ctx: ExchangeContext): PreparedExchange;
  /** The observer for a follow-up's answer (GET/DELETE/cancel of a stored response), if the surface has follow-ups. */
  followUp?(ids: ResponseIdCodec, upstreamId: string, clientId: string): ExchangeObserver;
  /** The in-band SSE error event for a failure after the first byte. */
  inBandError(error: GatewayError): Buffer;
}
