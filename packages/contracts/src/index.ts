export * from './constants';
export * from './errors';
export * from './fields';
export * from './level-completed';
export * from './game-completed';
export * from './level-report';
export * from './envelope';
export * from './json-schemas';
