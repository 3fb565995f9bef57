/** The custom event bus every gamekeeper event travels on. */
export const EVENT_BUS_NAME = 'game-events';

/** One `source` per producer (Serverlesspresso style). */
export const Source = {
  GameBackend: 'gamekeeper.game-backend',
  Report: 'gamekeeper.report',
} as const;
export type Source = (typeof Source)[keyof typeof Source];

/** Detail-types are `<Producer>.<Event>` so consumers can match a producer by prefix. */
export const DetailType = {
  LevelCompleted: 'GameBackend.LevelCompleted',
  GameCompleted: 'GameBackend.GameCompleted',
  LevelReportGenerated: 'Report.LevelReportGenerated',
} as const;
export type DetailType = (typeof DetailType)[keyof typeof DetailType];

/** The detail-types the housekeeping rule starts the state machine for. */
export const COMPLETION_DETAIL_TYPES = [DetailType.LevelCompleted, DetailType.GameCompleted] as const;

/** The newest schema version this code understands; older versions must keep parsing. */
export const CURRENT_SCHEMA_VERSION = 1;

/** Bounds shared by every schema, in one place so producers and consumers agree. */
export const Limits = {
  idMaxLength: 128,
  maxLevel: 10_000,
  maxScore: 1_000_000_000,
  maxTotalScore: 1_000_000_000_000,
  maxStars: 3,
  /** A single level played for more than a day is a client bug, not a player. */
  maxLevelDurationMs: 24 * 60 * 60 * 1000,
  /** A whole game may span a year of play. */
  maxGameDurationMs: 366 * 24 * 60 * 60 * 1000,
  /** AWS PutEvents entry size limit (bytes). */
  maxEntryBytes: 256 * 1024,
  maxEntriesPerPutEvents: 10,
} as const;
