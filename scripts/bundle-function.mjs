#!/usr/bin/env node
// `npm run build` in a service: bundles src/handler.ts into dist/handler.mjs with the settings the CDK and
// the local runtime use (@gamekeeper/bundling), so every team builds alike.
import { bundleFunction } from '../packages/bundling/src/index.js';

await bundleFunction({ entry: 'src/handler.ts', outfile: 'dist/handler.mjs', logLevel: 'info' });
