// The synthesizer's child process (synth.ts startSynthesizer): kept running while `gamekeeper start`
// watches, so the CDK stays loaded; each message asks for one synthesis of the app as its files are now.
import { type SynthesisReply, describeFailure, synthesizeApp } from './synthesize-app';

let queue = Promise.resolve();
process.on('message', (request: { id: number; appDir: string }) => {
  queue = queue.then(async () => {
    let reply: SynthesisReply;
    try {
      reply = { ok: true, ...(await synthesizeApp(request.appDir)) };
    } catch (error) {
      reply = { ok: false, failure: describeFailure(error, request.appDir) };
    }
    process.send?.({ id: request.id, ...reply });
  });
});
// The parent went away (it ended, or closed the synthesizer): nothing more to do.
process.on('disconnect', () => process.exit(0));
