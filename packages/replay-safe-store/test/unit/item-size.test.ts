import { describe, expect, it } from 'vitest';
import { attributeValueSize, dynamoItemSize, readUnitsFor, writeUnitsFor } from '../../src/index';

describe('dynamoItemSize (AWS "DynamoDB item sizes and formats")', () => {
  it('counts a string as its UTF-8 bytes and every attribute name', () => {
    expect(dynamoItemSize({ id: 'abc' })).toBe(2 + 3);
    expect(dynamoItemSize({ name: 'zoë' })).toBe(4 + 4);
  });

  it('counts a number as 1 byte per two significant digits plus 1, zeroes trimmed', () => {
    expect([1, 12, 123, 1000, 0.001, 12.5, -12.5, 95000, 1_000_000_000_000].map(attributeValueSize)).toEqual([2, 2, 3, 2, 2, 3, 3, 2, 2]);
  });

  it('counts binary as raw bytes, booleans and null as 1', () => {
    expect(attributeValueSize(new Uint8Array(8))).toBe(8);
    expect([true, false, null].map(attributeValueSize)).toEqual([1, 1, 1]);
  });

  it('counts a list or map as 3 bytes, plus 1 per element, plus the elements (a map names them)', () => {
    expect(attributeValueSize([])).toBe(3);
    expect(attributeValueSize([new Uint8Array(8), new Uint8Array(8)])).toBe(3 + 2 * (1 + 8));
    expect(attributeValueSize(['ab', 1])).toBe(3 + (1 + 2) + (1 + 2));
    expect(attributeValueSize({ a: 'xy' })).toBe(3 + 1 + 1 + 2);
  });

  it('counts a set as its elements', () => {
    expect(attributeValueSize(new Set(['ab', 'cde']))).toBe(5);
  });

  it('gives one write unit per started KB and one consistent read unit per started 4 KB', () => {
    expect([1, 1024, 1025, 2048, 7624].map((size) => writeUnitsFor(size))).toEqual([1, 1, 2, 2, 8]);
    expect([readUnitsFor(1024), readUnitsFor(4097), readUnitsFor(1024, false)]).toEqual([1, 2, 0.5]);
  });
});
