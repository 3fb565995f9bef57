/**
 * How every function's AWS SDK clients retry. On-demand DynamoDB and EventBridge throttle in bursts; the
 * SDK's default 3 attempts give up quickly, which turns a burst into a failed task. 5 attempts with the
 * SDK's throttling backoff (up to 0.5, 1, 2, 4 s, jittered) ride a burst out and still end well inside
 * the functions' 30 s timeout: a function that times out after a non-idempotent step (the metric
 * function's EMF line) but before recording it would repeat it on retry. Longer outages are the state
 * machine's Retry and dead-letter queue's job.
 */
export const awsClientConfig = { maxAttempts: 5 } as const;
