// Run as a child process by synth.ts: synthesizes the CDK app in the directory given as the argument
// (see synthesize-app.ts) and prints the template as JSON on stdout.
import { synthesizeApp } from './synthesize-app';

const { template } = await synthesizeApp(process.argv[2] ?? process.cwd());
process.stdout.write(JSON.stringify(template));
