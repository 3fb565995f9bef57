import type { IncomingMessage } from 'node:http';
import { AwsServiceError } from './aws-error';

/** Largest request body the edge reads (AWS's own limits are lower for every emulated operation). */
export const MAX_BODY_BYTES = 1024 * 1024 + 64 * 1024;
/** A client that has not sent its whole body by then gets an error instead of holding a socket. */
export const BODY_TIMEOUT_MS = 10_000;

export interface BodyLimits {
  timeoutMs?: number;
  maxBytes?: number;
  /** The service's own refusal of a body over `maxBytes` (a 413 `RequestEntityTooLarge` unless given). */
  tooLarge?: (maxBytes: number) => AwsServiceError;
}

/** The whole request body, refused with AWS's errors when it is too large (413) or too slow (408). */
export function readBody(req: IncomingMessage, limits: BodyLimits = {}): Promise<Buffer> {
  const { timeoutMs = BODY_TIMEOUT_MS, maxBytes = MAX_BODY_BYTES } = limits;
  const tooLarge = limits.tooLarge ?? ((max: number) => new AwsServiceError('RequestEntityTooLarge', `Request body exceeds ${max} bytes`, { status: 413 }));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => {
      req.removeAllListeners('data');
      reject(new AwsServiceError('RequestTimeout', `Request body not received within ${timeoutMs} ms`, { status: 408 }));
    }, timeoutMs);
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        clearTimeout(timer);
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      clearTimeout(timer);
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    });
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** A body we stopped reading (too large, too slow) leaves the connection unusable: the reply closes it. */
export function closesConnection(status: number): boolean {
  return status === 408 || status === 413;
}
