/**
 * A loopback TCP relay in front of the sandbox that can be switched off and on, so a test can
 * take BillPro "off the network" (connections refused, open ones cut) and bring it back on the
 * same address without losing the sandbox's state.
 */
import net from 'node:net';

export interface NetSwitch {
  /** The relay's port: point the Desk at http://127.0.0.1:<port>/api/v1. */
  port: number;
  readonly up: boolean;
  /** Stops listening and cuts every relayed connection. */
  off(): Promise<void>;
  /** Listens again on the same port. */
  on(): Promise<void>;
  close(): Promise<void>;
}

export async function startNetSwitch(targetPort: number): Promise<NetSwitch> {
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  let port = 0;

  const listen = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const next = net.createServer((client) => {
        const upstream = net.connect(targetPort, '127.0.0.1');
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => {
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream).pipe(client);
      });
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => {
        port = (next.address() as net.AddressInfo).port;
        server = next;
        resolve();
      });
    });

  const off = (): Promise<void> =>
    new Promise((resolve) => {
      const current = server;
      server = null;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      if (!current) return resolve();
      current.close(() => resolve());
    });

  await listen();
  return {
    get port() {
      return port;
    },
    get up() {
      return server !== null;
    },
    off,
    on: () => (server ? Promise.resolve() : listen()),
    close: off,
  };
}
