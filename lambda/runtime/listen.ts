import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Idle keep-alive longer than typical client pools, so reused connections are not cut under them. */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** Starts a local server; resolves with its base URL. */
export async function listen(server: Server, port: number, host: string): Promise<string> {
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
}

/** Closes a server and every connection it holds. */
export function closeServer(server: Server | undefined): Promise<void> {
  if (!server) return Promise.resolve();
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
