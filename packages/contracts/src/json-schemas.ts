import { toJSONSchema } from 'zod/mini';
import { DetailType } from './constants';
import { detailSchemaByType } from './envelope';

/**
 * JSON Schema (draft 2020-12) for each detail-type, for producers in other languages.
 * Cross-field rules (totals at least the final level) are zod refinements and are documented only.
 */
export function jsonSchemas(): Record<DetailType, object> {
  const entries = Object.entries(detailSchemaByType).map(([type, schema]) => [
    type,
    { $id: `https://gamekeeper.dev/schemas/${type}.json`, ...toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) },
  ]);
  return Object.fromEntries(entries) as Record<DetailType, object>;
}

export const jsonSchemaFileName = (type: DetailType) => `${type}.schema.json`;
