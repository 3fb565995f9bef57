import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A console handler (or any request handler with `close`) served on a loopback port, for unit tests. */
export interface ServedConsole {
  /** `http://127.0.0.1:<port>/console` */
  base: string;
  close(): Promise<void>;
}

export async function serveConsole(handler: ((req: IncomingMessage, res: ServerResponse) => void) & { close(): void }): Promise<ServedConsole> {
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/console`,
    async close() {
      handler.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
