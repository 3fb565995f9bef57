#!/usr/bin/env node
// The gamekeeper command. The CLI is TypeScript run through tsx's loader, like the rest of the workspace.
import { register } from 'tsx/esm/api';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
