import { fileURLToPath } from 'node:url';
import type { SessionOptions } from './session';

/** The bundled sample session: 6 players through 2 games of 5 levels, replays included. */
export const SAMPLE_SESSION_OPTIONS: SessionOptions = { seed: 42, players: 6, games: ['space-hopper', 'cave-runner'], levelsPerGame: 5 };
export const SAMPLE_SESSION_FILE = fileURLToPath(new URL('../sessions/sample-session.ndjson', import.meta.url));
