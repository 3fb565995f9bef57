export { createCloudWatchService } from './service';
export type { CloudWatchService, StoredDatapoint } from './service';
