import { type DetailType, InvalidGameEvent, sourceByType } from '@gamekeeper/contracts';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

/** An API Gateway HTTP API request (payload format 2.0) rather than an EventBridge event. */
export function isHttpApiRequest(event: unknown): event is APIGatewayProxyEventV2 {
  const candidate = event as Partial<APIGatewayProxyEventV2> | null;
  return typeof candidate === 'object' && candidate !== null && candidate.version === '2.0' && typeof candidate.requestContext?.http === 'object';
}

const json = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({ statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/**
 * Lets a function sit behind an HTTP API route (Lambda proxy, payload format 2.0) as well as in a flow:
 * the request body is the detail of `detailType`; it becomes the EventBridge event the contracts parse
 * (so the logic does not change), and the answer becomes HTTP: 200 with the result, 400 with the
 * contract's issues, 415 for a body that is not JSON. Requests that are not HTTP pass through untouched.
 */
export function httpApiAdapter(detailType: DetailType): MiddlewareObj<unknown, unknown, Error, Context> {
  let http = false;
  return {
    before: (request) => {
      http = isHttpApiRequest(request.event);
      if (!http) return;
      const event = request.event as APIGatewayProxyEventV2;
      const contentType = event.headers?.['content-type'] ?? '';
      if (!/^application\/json\b/i.test(contentType)) {
        return json(415, { message: `Unsupported Media Type: send the ${detailType} detail as application/json` });
      }
      let detail: unknown;
      try {
        detail = JSON.parse(event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? ''));
      } catch {
        throw new InvalidGameEvent(['body: not valid JSON']);
      }
      request.event = {
        version: '0',
        // The request id: a retried HTTP request gets a new one, like a producer's resend; writers dedupe on detail.eventId.
        id: event.requestContext.requestId,
        'detail-type': detailType,
        source: sourceByType[detailType],
        account: event.requestContext.accountId,
        time: new Date(event.requestContext.timeEpoch ?? Date.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region: process.env.AWS_REGION ?? 'us-east-1',
        resources: [],
        detail,
      };
    },
    after: (request) => {
      if (http) request.response = json(200, request.response);
    },
    onError: (request) => {
      if (http && request.error instanceof InvalidGameEvent) request.response = json(400, { message: 'Invalid game event', issues: request.error.issues });
    },
  };
}
