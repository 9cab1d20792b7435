/** Binding the API to a socket: 127.0.0.1 by default, port 0 for any free port. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type express from 'express';

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:43127 */
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  /** Stops accepting, closes idle and active connections, resolves when closed. */
  close(): Promise<void>;
}

export interface ServerOptions {
  /** Interface to bind. Default 127.0.0.1 (loopback only); bind 0.0.0.0 deliberately. */
  readonly host?: string;
  /** Port; 0 (the default) picks a free one. */
  readonly port?: number;
  /** Told the URL once listening. Default: prints "idgraph API listening on <url>" to stdout. */
  readonly announce?: (url: string) => void;
}

/** Starts the app and resolves once it is listening. */
export function startServer(app: express.Express, options: ServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const announce = options.announce ?? ((url: string) => process.stdout.write(`idgraph API listening on ${url}\n`));
  return new Promise((resolve, reject) => {
    const server = app.listen(options.port ?? 0, host);
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      const urlHost = address.family === 'IPv6' || address.address.includes(':') ? `[${address.address}]` : address.address;
      const url = `http://${urlHost}:${address.port}`;
      announce(url);
      resolve({
        url,
        port: address.port,
        server,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((err) => (err ? fail(err) : done()));
            server.closeAllConnections();
          }),
      });
    });
  });
}
