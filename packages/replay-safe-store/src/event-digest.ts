import { createHash } from 'node:crypto';

/**
 * How many bytes of an event id an item keeps: the first 8 bytes (64 bits) of the SHA-256 of the id's
 * UTF-8 text. Hashed rather than cut from the UUID because a UUID's leading bytes need not be random
 * (version 7 UUIDs begin with a millisecond timestamp); hashed, every id format spreads evenly over
 * 2^64 values. The collision argument is in the README ("Compact ids").
 */
export const EVENT_DIGEST_BYTES = 8;

/** The compact form of an event id an item remembers: 8 bytes, stored as a DynamoDB binary value. */
export function eventDigest(eventId: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(eventId, 'utf8').digest().subarray(0, EVENT_DIGEST_BYTES));
}

/** Whether two digests are the same bytes. */
export function sameDigest(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((byte, i) => byte === b[i]);
}

/** A digest as 16 hex digits, for logs, tools and tests. */
export const digestHex = (digest: Uint8Array): string => Buffer.from(digest.buffer, digest.byteOffset, digest.byteLength).toString('hex');
