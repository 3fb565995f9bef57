// Writes sessions/sample-session.ndjson, the session `gamekeeper start` plays for newcomers.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSession, toNdjson } from '../src/session';
import { SAMPLE_SESSION_OPTIONS } from '../src/sample';

const file = join(import.meta.dirname, '..', 'sessions', 'sample-session.ndjson');
const events = generateSession(SAMPLE_SESSION_OPTIONS);
writeFileSync(file, toNdjson(events));
console.log(`wrote ${events.length} events to ${file}`);
