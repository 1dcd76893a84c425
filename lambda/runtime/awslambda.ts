import { Writable } from 'node:stream';

/**
 * A local implementation of the `awslambda` global that Lambda's Node.js runtime provides to
 * response-streaming functions, following the real runtime's rules:
 * - `HttpResponseStream.from(stream, prelude)` sets the integration content type and writes the JSON
 *   prelude plus 8 NUL bytes just before the first write; if nothing is written before `end()`, the
 *   prelude (status and headers) is lost;
 * - the content type cannot be changed after the first write;
 * - nothing tells the function that the client went away.
 */

/** The content type that marks a body as prelude + 8 NULs + payload. */
export const HTTP_INTEGRATION_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';
/** Lambda's default content type for streamed responses. */
export const DEFAULT_STREAM_CONTENT_TYPE = 'application/octet-stream';
export const PRELUDE_DELIMITER = Buffer.alloc(8);

const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');

/** The response stream handed to a streaming handler. `sink` receives each chunk as it is written. */
export class LocalResponseStream extends Writable {
  private contentType = DEFAULT_STREAM_CONTENT_TYPE;
  private written = false;
  /** Set by HttpResponseStream.from: runs once, right before the first write. */
  public onBeforeFirstWrite: ((write: (chunk: Buffer) => void) => void) | undefined;

  public constructor(
    private readonly sink: (chunk: Buffer, done: (error?: Error | null) => void) => void,
    private readonly onEnd: () => void = () => undefined,
  ) {
    super();
  }

  public override _final(callback: (error?: Error | null) => void): void {
    this.onEnd();
    callback();
  }

  public setContentType(contentType: string): void {
    if (this.written) throw new Error('ERR_CONTENT_TYPE_ALREADY_SENT: the content type cannot be set after the first write');
    this.contentType = contentType;
  }

  public getContentType(): string {
    return this.contentType;
  }

  public override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!this.written) {
      this.written = true;
      const hook = this.onBeforeFirstWrite;
      this.onBeforeFirstWrite = undefined;
      if (hook) {
        const parts: Buffer[] = [];
        hook((c) => parts.push(c));
        this.sink(Buffer.concat([...parts, chunk]), callback);
        return;
      }
    }
    this.sink(chunk, callback);
  }
}

/** Prelude fields accepted by HttpResponseStream.from. */
export interface HttpResponsePrelude {
  readonly statusCode?: number;
  readonly headers?: Record<string, string>;
  readonly cookies?: string[];
}

const HttpResponseStream = {
  from(stream: LocalResponseStream, prelude: HttpResponsePrelude): LocalResponseStream {
    stream.setContentType(HTTP_INTEGRATION_CONTENT_TYPE);
    const json = Buffer.from(JSON.stringify(prelude));
    stream.onBeforeFirstWrite = (write) => {
      write(json);
      write(PRELUDE_DELIMITER);
    };
    return stream;
  },
};

/** A streaming handler as the runtime invokes it. */
export type StreamingHandler = (event: unknown, responseStream: LocalResponseStream, context: unknown) => Promise<unknown>;

/** The `awslambda` global. */
export const localAwsLambda = {
  streamifyResponse<T extends StreamingHandler>(handler: T): T {
    Object.defineProperty(handler, STREAMING, { value: 'response', enumerable: false });
    return handler;
  },
  HttpResponseStream,
};

/**
 * Installs the local `awslambda` streaming API unless a real runtime already provides one. Other
 * code may have created the global without it (the AWS SDK's `@aws/lambda-invoke-store` sets
 * `globalThis.awslambda = {}` when loaded), so the test is for `streamifyResponse` itself, and what
 * the global already holds is kept.
 */
export function installAwsLambdaGlobal(): void {
  const g = globalThis as { awslambda?: Record<string, unknown> };
  if (typeof g.awslambda?.streamifyResponse === 'function') return;
  g.awslambda = Object.assign(g.awslambda ?? {}, localAwsLambda);
}
