import { describe, expect, it } from 'vitest';
import { itemAsJson } from '../../src/commands/tables';

describe('itemAsJson', () => {
  it('prints binary values (the replay-safe digests) in base64, as the AWS CLI does, and the rest as JSON', () => {
    const item = { playerId: 'p1', completions: 2, appliedEventDigests: [new Uint8Array([0, 1, 2, 253, 254, 255, 16, 32]), new Uint8Array(8)] };
    expect(JSON.parse(itemAsJson(item))).toEqual({ playerId: 'p1', completions: 2, appliedEventDigests: ['AAEC/f7/ECA=', 'AAAAAAAAAAA='] });
  });
});
