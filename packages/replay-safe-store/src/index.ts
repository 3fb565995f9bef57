export { applyOnce, ConcurrentUpdateConflict, DEFAULT_MAX_ATTEMPTS, RECENT_EVENT_WINDOW } from './apply-once';
export type { ApplyOnceInput, ApplyOnceResult, Bookkeeping, LegacyBookkeeping } from './apply-once';
export { completionStore } from './completion-store';
export type { CompletionStore, CompletionStoreDefinition, CompletionStoreDependencies, CompletionStoreResult } from './completion-store';
export { digestHex, EVENT_DIGEST_BYTES, eventDigest, sameDigest } from './event-digest';
export { earlier, later } from './instants';
export { attributeValueSize, dynamoItemSize, readUnitsFor, writeUnitsFor } from './item-size';
