import { describe, expect, it } from 'vitest';
import { EVENT_DIGEST_BYTES, digestHex, eventDigest, sameDigest } from '../../src/index';

describe('eventDigest', () => {
  it('is 8 bytes, the same for the same id and different for different ids', () => {
    const id = '4b1c2d3e-5f6a-4b7c-8d9e-0f1a2b3c4d51';
    expect(eventDigest(id)).toHaveLength(EVENT_DIGEST_BYTES);
    expect(sameDigest(eventDigest(id), eventDigest(id))).toBe(true);
    expect(sameDigest(eventDigest(id), eventDigest(id.toUpperCase()))).toBe(false);
    // The first 8 bytes of SHA-256 of the id's text, pinned: items already stored must keep matching.
    expect(digestHex(eventDigest(id))).toBe('452824b3ed501893');
  });

  it('spreads version 7 UUIDs that share their leading timestamp bytes', () => {
    const sameMillisecond = Array.from({ length: 1000 }, (_, i) => `01890a5d-ac96-7${String(i).padStart(3, '0')}-8000-000000000000`);
    expect(new Set(sameMillisecond.map((id) => digestHex(eventDigest(id)))).size).toBe(1000);
  });
});
