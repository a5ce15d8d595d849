export * from './event-fixtures';
