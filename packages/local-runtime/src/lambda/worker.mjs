// One Lambda execution environment: a worker thread with its own process.env and module state,
// running one function's bundled handler. Plain JS so it starts without a TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';

const { handlerFile, functionName, memoryMb, timeoutMs, exportName } = workerData;

// The function's output (its structured logs) is collected here and sent once per invocation with the
// answer: one message instead of one per line, and nothing for the main thread to do between them.
let output = [];
const capture = (chunk, encoding, callback) => {
  output.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(typeof encoding === 'string' ? encoding : 'utf8'));
  const done = typeof encoding === 'function' ? encoding : callback;
  if (done) queueMicrotask(done);
  return true;
};
process.stdout.write = capture;
process.stderr.write = capture;
const takeOutput = () => {
  const text = output.join('');
  output = [];
  return text;
};

const module = await import(pathToFileURL(handlerFile).href);
const handler = module[exportName];
if (typeof handler !== 'function') throw new Error(`${handlerFile} exports no function named ${exportName}`);

parentPort.on('message', async ({ requestId, event }) => {
  const deadline = Date.now() + timeoutMs;
  const context = {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: process.env.LOCAL_FUNCTION_ARN,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done() {},
    fail() {},
    succeed() {},
  };
  try {
    const result = await handler(event, context);
    parentPort.postMessage({ requestId, ok: true, result: result === undefined ? null : result, logs: takeOutput() });
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    parentPort.postMessage({
      requestId,
      ok: false,
      error: { errorType: err.name || 'Error', errorMessage: err.message, trace: (err.stack ?? '').split('\n') },
      logs: takeOutput(),
    });
  }
});
parentPort.postMessage({ ready: true, logs: takeOutput() });
