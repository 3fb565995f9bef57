export { applyOnce, ConcurrentUpdateConflict, DEFAULT_MAX_ATTEMPTS, RECENT_EVENT_WINDOW } from './apply-once';
export type { ApplyOnceInput, ApplyOnceResult, Bookkeeping } from './apply-once';
export { earlier, later } from './instants';
