import { ErrorKind, GatewayError } from '../kernel/errors';

/**
 * 400: a request to switch protocols (a WebSocket handshake). Neither Lambda target upgrades
 * connections; newer Codex releases try a WebSocket on `/responses` first and fall back to HTTP
 * with SSE when the handshake is refused, so it is refused at once, with the setting that avoids it.
 */
export class UpgradeRefusedError extends GatewayError {
  public override readonly name: string = 'UpgradeRefusedError';
  public constructor() {
    super(
      400,
      ErrorKind.invalidRequest,
      'websocket_unsupported',
      'The gateway does not accept WebSocket connections; use HTTP with streaming (SSE). For Codex, set supports_websockets = false in the model provider block.',
    );
  }
}

/** Throws UpgradeRefusedError when the request asks to upgrade the connection. */
export function refuseUpgrade(headers: Readonly<Record<string, string>>): void {
  if (headers['upgrade'] !== undefined) throw new UpgradeRefusedError();
}
