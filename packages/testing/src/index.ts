export * from './dynalite';
export * from './fixtures';
export * from './lambda-context';
export * from './hostile-events';
export * from './completion-store';
