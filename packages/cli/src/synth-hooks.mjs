// Module hooks for the synthesizer's child process (registered by synthesize-app.ts, beside tsx's): every
// file of the workspace that a versioned module imports gets the same version in its URL, so importing
// the app's entry with a new version loads the app's own modules (and the workspace packages it imports)
// afresh, while what is under node_modules (the CDK library, cdk-nag) stays loaded once.
// Plain JavaScript: hooks run on their own thread, before any TypeScript loader.
import { fileURLToPath } from 'node:url';

/** @type {import('node:worker_threads').MessagePort | undefined} */
let port;
/** @type {string} */
let param = 'gk-synth';

/** @param {{ port: import('node:worker_threads').MessagePort; param: string }} data */
export function initialize(data) {
  ({ port, param } = data);
  // Answered after every file posted before it: the main thread knows it has them all.
  port.on('message', (message) => port?.postMessage({ flushed: message.flush }));
  port.unref();
}

/**
 * @param {string} specifier
 * @param {{ parentURL?: string }} context
 * @param {(specifier: string, context: object) => Promise<{ url: string }>} next
 */
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (!context.parentURL || !result.url.startsWith('file:') || result.url.includes('/node_modules/')) return result;
  const version = new URL(context.parentURL).searchParams.get(param);
  if (!version) return result;
  const url = new URL(result.url);
  url.searchParams.set(param, version);
  port?.postMessage({ version, file: fileURLToPath(url) });
  return { ...result, url: url.href };
}
