/// <reference path="../types/dynalite.d.ts" />
import type { Server } from 'node:http';
import dynalite from 'dynalite';

/**
 * dynalite (DynamoDB's wire protocol) as an http.Server: in memory, or on disk under `path`.
 * Table operations complete at once, as tests and a local runtime want.
 *
 * The server is never listened on (the edge hands it each request), but dynalite closes its store only on
 * the way out of a listening server's `close`: otherwise `close` fails with `ERR_SERVER_NOT_RUNNING` and
 * the LevelDB stays open and locked, so a runtime started again on the same folder in the same process
 * cannot open it. `close` therefore listens on an ephemeral loopback port for the moment it takes.
 */
export function createDynaliteServer(options: { path?: string } = {}): Server {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(options.path ? { path: options.path } : {}) });
  const close = server.close;
  server.close = function closeStore(callback?: (err?: Error) => void) {
    if (server.listening) return close.call(server, callback);
    server.listen(0, '127.0.0.1', () => close.call(server, callback));
    return server;
  };
  return server;
}
