// The report service's settings the infra needs too, in a module that loads nothing else (no SDK, no
// Powertools, no zod): the stack imports it as `@gamekeeper/report/config` without handler code.

/** The env var the infra sets to the bus the report is published on. */
export const EVENT_BUS_ENV = 'EVENT_BUS_NAME';
