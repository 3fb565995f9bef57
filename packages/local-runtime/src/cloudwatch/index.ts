export { EMF_LIMITS, extractEmf } from './emf';
export type { EmfExtraction } from './emf';
export { createCloudWatchService } from './service';
export type { CloudWatchService, StoredDatapoint } from './service';
