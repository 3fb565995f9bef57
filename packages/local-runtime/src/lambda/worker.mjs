// One Lambda execution environment: a worker thread with its own process.env and module state,
// running one function's bundled handler. Plain JS so it starts without a TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { getHeapStatistics } from 'node:v8';

const { handlerFile, functionName, memoryMb, timeoutMs, exportName, logGroupName, logStreamName, logFormat } = workerData;

// The function's output is collected here and sent once per invocation with the answer: one message
// instead of one per line, and nothing for the main thread to do between them. Each write is kept with
// its time, so every log event carries the moment it was written, as CloudWatch Logs records it.
let output = [];
const capture = (chunk, encoding, callback) => {
  const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(typeof encoding === 'string' ? encoding : 'utf8');
  output.push({ t: Date.now(), text });
  const done = typeof encoding === 'function' ? encoding : callback;
  if (done) queueMicrotask(done);
  return true;
};
process.stdout.write = capture;
process.stderr.write = capture;
const takeOutput = () => {
  const taken = output;
  output = [];
  return taken;
};

// The Node.js runtime's console: each call one log line with the time, the request id and the level
// (Text format), or one JSON object (JSON format). Loggers that write to stdout themselves (Powertools)
// are captured as they write.
let currentRequestId;
const consoleLevels = { log: 'INFO', info: 'INFO', warn: 'WARN', error: 'ERROR', debug: 'DEBUG', trace: 'TRACE' };
const writeLine = (level, message) => {
  const timestamp = new Date().toISOString();
  const line =
    logFormat === 'JSON'
      ? JSON.stringify({ timestamp, level, requestId: currentRequestId, message })
      : `${timestamp}\t${currentRequestId}\t${level}\t${message}`;
  capture(`${line}\n`);
};
for (const [method, level] of Object.entries(consoleLevels)) {
  console[method] = (...args) => writeLine(level, format(...args));
}

const module = await import(pathToFileURL(handlerFile).href);
const handler = module[exportName];
if (typeof handler !== 'function') throw new Error(`${handlerFile} exports no function named ${exportName}`);

// Lambda reports the most memory an environment used; here the isolate's heap (and its buffers) is the measure.
const MB = 1024 * 1024;
let maxMemoryMb = 0;
const memoryUsedMb = () => {
  const heap = getHeapStatistics();
  maxMemoryMb = Math.max(maxMemoryMb, Math.ceil((heap.total_heap_size + heap.external_memory) / MB));
  return maxMemoryMb;
};

parentPort.on('message', async ({ requestId, event }) => {
  const deadline = Date.now() + timeoutMs;
  currentRequestId = requestId;
  const context = {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: process.env.LOCAL_FUNCTION_ARN,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: requestId,
    logGroupName,
    logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done() {},
    fail() {},
    succeed() {},
  };
  try {
    const result = await handler(event, context);
    parentPort.postMessage({ requestId, ok: true, result: result === undefined ? null : result, logs: takeOutput(), memoryMb: memoryUsedMb() });
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    const payload = { errorType: err.name || 'Error', errorMessage: err.message, trace: (err.stack ?? '').split('\n') };
    // As the Node.js runtime logs an error the handler threw.
    writeLine('ERROR', `Invoke Error \t${JSON.stringify({ errorType: payload.errorType, errorMessage: payload.errorMessage, stack: payload.trace })}`);
    parentPort.postMessage({ requestId, ok: false, error: payload, logs: takeOutput(), memoryMb: memoryUsedMb() });
  } finally {
    currentRequestId = undefined;
  }
});
parentPort.postMessage({ ready: true, logs: takeOutput() });
