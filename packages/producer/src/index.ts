export { createProducer, isRetryableEntryError, isRetryableRequestError } from './producer';
export type { EventToPublish, Producer, ProducerOptions, PublishResult } from './producer';
export { batchIndexes, entrySize } from './batching';
