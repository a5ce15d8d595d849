export * from './event-fixtures';
export * from './eventually';
export * from './topic-collector';
