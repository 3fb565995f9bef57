import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CompletionEvent, DetailType, LevelReportGeneratedEvent, jsonSchemaFileName, jsonSchemas } from '../src/index';

const root = join(import.meta.dirname, '..');
const sampleFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sampleFiles(join(dir, entry.name)) : entry.name.endsWith('.json') ? [join(dir, entry.name)] : [],
  );

describe('sample events', () => {
  const files = sampleFiles(join(root, 'events'));

  it('include every detail-type, current and in the v1 history', () => {
    const names = files.map((f) => relative(root, f));
    for (const type of Object.values(DetailType)) {
      expect(names).toContain(`events/${type}.json`);
      expect(names).toContain(`events/v1/${type}.json`);
    }
  });

  // Additive evolution: every sample ever published keeps parsing with today's schemas.
  it.each(files.map((f) => [relative(root, f), f]))('%s parses', (_name, file) => {
    const event = JSON.parse(readFileSync(file, 'utf8'));
    const schema = event['detail-type'] === DetailType.LevelReportGenerated ? LevelReportGeneratedEvent : CompletionEvent;
    const parsed = schema.parse(event);
    expect(parsed.detail).toEqual(event.detail);
  });
});

describe('JSON Schema files', () => {
  // Regenerate with `pnpm --filter @gamekeeper/contracts generate:schemas`.
  it.each(Object.entries(jsonSchemas()))('%s matches the zod contract', (type, schema) => {
    const file = join(root, 'schemas', jsonSchemaFileName(type as DetailType));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(schema);
  });
});
