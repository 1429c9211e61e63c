/** Starting and stopping the local `node:http` servers the same way. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Where a server listens once {@link listen} resolved. */
export interface ListeningAddress {
  readonly port: number;
  /** `http://host:port`, IPv6 hosts in brackets. */
  readonly url: string;
}

/**
 * Listen on `host:port` (port 0: any free port) and wait until bound.
 *
 * @throws the listen error (e.g. `EADDRINUSE`, with its `code`) when the port cannot be bound.
 */
export async function listen(server: Server, port: number, host: string): Promise<ListeningAddress> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return { port: bound, url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}` };
}

/** Stop listening and drop every connection (keep-alive sockets and parked requests would keep close() pending). */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    // Closing twice is harmless, as it is for callers of the servers' close().
    server.close((error) => (error && (error as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING' ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
