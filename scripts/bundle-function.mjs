#!/usr/bin/env node
// Bundles a service's Lambda handler (src/handler.ts) into dist/handler.mjs with the same esbuild
// settings the CDK NodejsFunction uses on AWS (ESM, node22, source maps), so every team builds alike.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/handler.ts'],
  outfile: 'dist/handler.mjs',
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  sourcemap: true,
  minify: true,
  // Some AWS SDK dependencies still call require(); give ESM bundles one.
  banner: { js: "import { createRequire as __gkRequire } from 'node:module'; const require = __gkRequire(import.meta.url);" },
  logLevel: 'info',
});
