import { ErrorKind, UpstreamError } from '../kernel/errors';
import { redactArns } from '../kernel/redact';

/** The error code recorded for an error Mantle reported inside a stream. */
export const UPSTREAM_STREAM_ERROR = 'upstream_stream_error';

/**
 * An error Mantle reported in-band in a shape the client's SDK would not understand (a bare
 * `{"message"}`, or an `error` event whose data is a JSON string): the surface re-emits it as its
 * own well-formed in-band error.
 */
export function upstreamStreamError(message: unknown): UpstreamError {
  const text = typeof message === 'string' && message ? redactArns(message) : 'unknown error';
  return new UpstreamError(502, ErrorKind.upstream, UPSTREAM_STREAM_ERROR, `Bedrock Mantle reported an error mid-stream: ${text}`);
}

/** True for a bare `{"message": …}` object: an error frame with no surface's own shape. */
export function isBareMessage(data: unknown): data is { message: unknown } {
  return !!data && typeof data === 'object' && !Array.isArray(data) && 'message' in data && !('type' in data) && !('choices' in data) && !('error' in data);
}
