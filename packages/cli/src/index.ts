export { buildProgram, main } from './main';
export { generateSession, readSessionFile, seededRandom, toNdjson } from './session';
export type { SessionEvent, SessionOptions } from './session';
export { executionSteps } from './steps';
export { publishAll } from './publish';
