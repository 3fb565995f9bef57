import { AwsServiceError, type ServiceBackend } from '../protocol/aws-error';
import type { CallAwsService } from './service';

/**
 * The AWS SDK service integrations (`arn:aws:states:::aws-sdk:<service>:<action>`) the local runtime
 * emulates, by calling the same backend the endpoint serves: the action's camelCase name is the API
 * operation (`sqs:sendMessage` is SQS `SendMessage`). Only the services given here are reachable.
 */
export function sdkIntegrations(backends: Record<string, ServiceBackend>): CallAwsService {
  return async (service, action, parameters) => {
    const backend = backends[service];
    if (!backend) throw Object.assign(new Error(`The local runtime does not emulate aws-sdk:${service}:${action}`), { name: 'States.Runtime' });
    try {
      return await backend.handle(`${action[0]!.toUpperCase()}${action.slice(1)}`, parameters);
    } catch (error) {
      // Step Functions names the service's errors by their exception: `Sqs.QueueDoesNotExistException`.
      if (error instanceof AwsServiceError) throw Object.assign(new Error(error.message), { name: error.code });
      throw error;
    }
  };
}
