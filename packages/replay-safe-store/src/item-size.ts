// DynamoDB's item size, as AWS bills it (write units per 1 KB, read units per 4 KB), for items as the
// document client holds them. The rules, from "DynamoDB item sizes and formats"
// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html):
//   string: UTF-8 bytes; number: 1 byte per two significant digits + 1 byte (leading and trailing zeroes
//   trimmed); binary: raw bytes; null or boolean: 1 byte; list or map: 3 bytes + 1 byte per element +
//   the elements (a map's elements are its names and values); sets: their elements.
// Every top-level attribute adds its name's UTF-8 bytes. (The 100 bytes of storage overhead per item
// count for storage only, not for request units.)

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

/** Size of a number: 1 byte per two significant digits, plus 1. */
function numberSize(value: number | bigint): number {
  const digits = typeof value === 'bigint' ? (value < 0 ? -value : value).toString() : significandOf(value);
  const significant = digits.replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(1, significant.length) / 2) + 1;
}

/** The significant digits of a finite number, without sign, point or exponent. */
function significandOf(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`DynamoDB numbers are finite, got ${value}`);
  const [mantissa = '0'] = Math.abs(value).toExponential().split('e');
  return mantissa.replace('.', '');
}

/** The size of one attribute value (not counting its name). */
export function attributeValueSize(value: unknown): number {
  if (value === null || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return utf8(value);
  if (typeof value === 'number' || typeof value === 'bigint') return numberSize(value);
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value)) return 3 + value.reduce<number>((sum, element) => sum + 1 + attributeValueSize(element), 0);
  if (value instanceof Set) return [...value].reduce<number>((sum, element) => sum + attributeValueSize(element), 0);
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return 3 + entries.reduce((sum, [name, v]) => sum + 1 + utf8(name) + attributeValueSize(v), 0);
  }
  throw new Error(`not a DynamoDB attribute value: ${typeof value}`);
}

/** An item's size in bytes as DynamoDB counts it for request units: attribute names plus values. */
export function dynamoItemSize(item: Record<string, unknown>): number {
  return Object.entries(item)
    .filter(([, value]) => value !== undefined)
    .reduce((sum, [name, value]) => sum + utf8(name) + attributeValueSize(value), 0);
}

/** Write request units one PutItem of an item this size consumes (standard table): one per started KB. */
export const writeUnitsFor = (sizeBytes: number) => Math.max(1, Math.ceil(sizeBytes / 1024));

/** Read request units one GetItem of an item this size consumes: one per started 4 KB (strongly consistent), half that if eventually consistent. */
export const readUnitsFor = (sizeBytes: number, consistentRead = true) => Math.max(1, Math.ceil(sizeBytes / 4096)) * (consistentRead ? 1 : 0.5);
