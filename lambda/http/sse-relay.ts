import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { ErrorKind, GatewayError, UpstreamError } from '../kernel/errors';
import type { ApiSurface, ExchangeObserver } from '../surfaces/surface';

/** How a relayed stream ended, for the request's record. */
export interface StreamOutcome {
  /** An error code when the stream ended with an in-band error. */
  readonly error?: string;
  /** The client went away (or the process is stopping) before the stream ended: the usage is what was seen. */
  readonly closed?: boolean;
  /** Milliseconds from the relay's start to the first byte it produced. */
  readonly firstByteMs?: number;
}

export interface RelayOptions {
  readonly idleTimeoutMs: number;
  /** Epoch ms by which the stream must have ended (the function's time limit less a margin). */
  readonly deadline: number;
  readonly onEnd: (outcome: StreamOutcome) => void;
}

/** No upstream byte arrived for too long. */
export class StreamIdleTimeoutError extends UpstreamError {
  public override readonly name: string = 'StreamIdleTimeoutError';
  public constructor(idleMs: number) {
    super(504, ErrorKind.timeout, 'stream_idle_timeout', `Bedrock Mantle sent nothing for ${idleMs} ms; the stream was ended.`);
  }
}

/** The function's time was running out: the stream was ended cleanly before Lambda would cut it. */
export class ResponseDeadlineError extends UpstreamError {
  public override readonly name: string = 'ResponseDeadlineError';
  public constructor() {
    super(504, ErrorKind.timeout, 'deadline_exceeded', "The response was ended before the gateway's time limit; ask for less output or stream it in parts.");
  }
}

/** The upstream stream ended before its terminal event. */
export class StreamTruncatedError extends UpstreamError {
  public override readonly name: string = 'StreamTruncatedError';
  public constructor(cause?: unknown) {
    super(502, ErrorKind.upstream, 'stream_interrupted', 'The stream from Bedrock Mantle was interrupted before it finished.', { cause });
  }
}

const LF = 0x0a;

/** Index just past the blank line ending the first complete SSE event in `buf` at or after `from`, or -1. */
function eventEnd(buf: Buffer, from: number): number {
  let i = buf.indexOf(LF, from);
  while (i !== -1) {
    const next = buf[i + 1];
    if (next === LF) return i + 2;
    if (next === 0x0d && buf[i + 2] === LF) return i + 3;
    i = buf.indexOf(LF, i + 1);
  }
  return -1;
}

/**
 * True when `chunk` may complete a blank line, given the last two bytes held before it (a blank line
 * can be split across chunks: "\n" | "\n", "\n" | "\r\n", "\n\r" | "\n"). It may say yes
 * wrongly, never no wrongly: a yes only costs one join and scan.
 */
function mayEndEvent(tail: readonly number[], chunk: Buffer): boolean {
  if (eventEnd(chunk, 0) !== -1) return true;
  const probe = Buffer.from([...tail, ...chunk.subarray(0, 2)]);
  return eventEnd(probe, 0) !== -1;
}

/** The last two bytes of what is held, carried from chunk to chunk. */
function tailAfter(tail: readonly number[], chunk: Buffer): number[] {
  return chunk.length >= 2 ? [chunk[chunk.length - 2]!, chunk[chunk.length - 1]!] : [...tail, ...chunk].slice(-2);
}

/**
 * Relays an upstream SSE stream event by event through the surface's observer, pulling only as fast
 * as the client takes it (Readable.from over an async generator keeps backpressure). Bytes the
 * observer does not rewrite pass untouched. A failure, a stall or a truncated stream ends it with the
 * surface's in-band error event and a clean end: it never pretends to have finished.
 */
export function relaySse(upstream: IncomingMessage, surface: ApiSurface, observer: ExchangeObserver, options: RelayOptions): Readable {
  const startedAt = performance.now();
  let firstByteMs: number | undefined;
  let idleTimer: NodeJS.Timeout | undefined;
  const armIdle = (): void => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => upstream.destroy(new StreamIdleTimeoutError(options.idleTimeoutMs)), options.idleTimeoutMs);
  };

  let ended = false;
  async function* events(): AsyncGenerator<Buffer> {
    try {
      yield* relayed();
    } finally {
      // Closed from the client's side (the consumer destroyed the stream): the generator returns at
      // its yield, which also destroys the upstream response (Mantle stops generating); the outcome
      // says so instead of never being told.
      if (!ended) {
        clearTimeout(idleTimer);
        options.onEnd({ closed: true, ...(firstByteMs === undefined ? {} : { firstByteMs }) });
      }
    }
  }

  async function* relayed(): AsyncGenerator<Buffer> {
    let held: Buffer[] = [];
    let tail: number[] = [];
    let pending: Buffer;
    let failure: GatewayError | undefined;
    // True while suspended at a yield: an error thrown in then is the consumer closing (the client
    // left; Readable.from throws its destroy error into the generator), not a failure of the upstream.
    let yielding = false;
    armIdle();
    const deadlineTimer = setTimeout(() => upstream.destroy(new ResponseDeadlineError()), Math.max(0, options.deadline - Date.now()));
    try {
      for await (const piece of upstream) {
        armIdle();
        const chunk = piece as Buffer;
        // A chunk that cannot end an event is only kept: one SSE event can be MiBs long, and joining
        // and rescanning everything held on every chunk would be quadratic in its size.
        if (!mayEndEvent(tail, chunk)) {
          held.push(chunk);
          tail = tailAfter(tail, chunk);
          continue;
        }
        pending = held.length ? Buffer.concat([...held, chunk]) : chunk;
        held = [];
        tail = [];
        let start = 0;
        let end = eventEnd(pending, 0);
        const out: Buffer[] = [];
        while (end !== -1) {
          const replaced = observer.event(pending.subarray(start, end));
          if (replaced) out.push(replaced);
          start = end;
          end = eventEnd(pending, start);
        }
        if (start < pending.length) {
          const rest = start === 0 ? pending : pending.subarray(start);
          held.push(rest);
          tail = tailAfter(tail, rest);
        }
        if (out.length) {
          firstByteMs ??= performance.now() - startedAt;
          yielding = true;
          yield out.length === 1 ? out[0]! : Buffer.concat(out);
          yielding = false;
        }
      }
      const rest = held.length ? Buffer.concat(held) : undefined;
      if (rest && rest.toString('utf8').trim()) {
        // A last event without its blank line is relayed only when it completes the stream (some
        // servers omit the final blank line); a truncated one would only confuse the client's parser.
        const replaced = observer.event(Buffer.concat([rest, Buffer.from('\n\n')]));
        if (replaced && observer.completed()) yield replaced;
      }
      if (!observer.completed()) failure = new StreamTruncatedError();
    } catch (error) {
      if (yielding) throw error; // leaving the loop destroys the upstream response; events() records the close
      failure = error instanceof GatewayError ? error : new StreamTruncatedError(error);
    } finally {
      clearTimeout(idleTimer);
      clearTimeout(deadlineTimer);
    }
    if (failure) {
      firstByteMs ??= performance.now() - startedAt;
      yield surface.inBandError(failure);
    }
    // An error Mantle reported in-band passed through as it was; it still marks the request failed.
    const error = failure?.code ?? observer.failure();
    ended = true;
    options.onEnd({ ...(error ? { error } : {}), ...(firstByteMs === undefined ? {} : { firstByteMs }) });
  }

  return Readable.from(events(), { objectMode: false });
}
