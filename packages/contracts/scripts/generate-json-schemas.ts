// Writes schemas/<detail-type>.schema.json from the zod contracts. A test fails when they drift.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonSchemaFileName, jsonSchemas } from '../src/index';
import type { DetailType } from '../src/index';

const dir = join(import.meta.dirname, '..', 'schemas');
for (const [type, schema] of Object.entries(jsonSchemas())) {
  const file = join(dir, jsonSchemaFileName(type as DetailType));
  writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote ${file}`);
}
