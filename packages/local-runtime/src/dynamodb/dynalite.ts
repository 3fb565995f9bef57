/// <reference path="../types/dynalite.d.ts" />
import type { Server } from 'node:http';
import dynalite from 'dynalite';

/**
 * dynalite (DynamoDB's wire protocol) as an http.Server: in memory, or on disk under `path`.
 * Table operations complete at once, as tests and a local runtime want.
 */
export function createDynaliteServer(options: { path?: string } = {}): Server {
  return dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(options.path ? { path: options.path } : {}) });
}
