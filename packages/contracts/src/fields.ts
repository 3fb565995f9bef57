import './messages';
import * as z from 'zod/mini';
import { CURRENT_SCHEMA_VERSION, Limits } from './constants';

/** Identifiers chosen by the game backend: printable, no spaces, bounded. */
export const Identifier = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(Limits.idMaxLength),
    z.regex(/^[A-Za-z0-9][A-Za-z0-9._:@#-]*$/, 'must start with a letter or digit and use only letters, digits and . _ : @ # -'),
  );

// Custom messages only for present-but-wrong values; a missing field keeps zod's "received undefined".
const unless = (message: string) => (issue: { input?: unknown }) => (issue.input === undefined ? undefined : message);

/**
 * The nil and max UUIDs are well-formed but are placeholders, never generated: a producer that sends one
 * sends it for every event, and writers deduping on it would keep the first event and drop all the rest.
 * A pattern (not a refinement) so the JSON Schema for other languages carries the rule too; a second
 * pattern makes zod drop `format: uuid` from that schema, so the metadata puts it back.
 */
const NOT_A_PLACEHOLDER_UUID = /^(?!00000000-0000-0000-0000-000000000000$)(?![fF]{8}-[fF]{4}-[fF]{4}-[fF]{4}-[fF]{12}$)/;

export const EventId = z
  .uuid({ error: unless('must be a UUID assigned by the producer (the idempotency key)') })
  .check(z.regex(NOT_A_PLACEHOLDER_UUID, 'must be a unique UUID, not the nil or max placeholder (it is the idempotency key: every event would share it)'))
  .register(z.globalRegistry, { format: 'uuid' });

export const SchemaVersion = z.int().check(
  z.minimum(1),
  z.maximum(CURRENT_SCHEMA_VERSION, {
    error: (issue) => `schemaVersion ${String(issue.input)} is newer than this consumer understands (up to ${CURRENT_SCHEMA_VERSION})`,
  }),
);

export const Instant = z.iso.datetime({ offset: true, error: unless('must be an ISO-8601 instant such as 2026-01-31T12:00:00Z') });

export const NonNegativeInt = (max: number) => z.int().check(z.minimum(0), z.maximum(max));
