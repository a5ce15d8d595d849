export * from './logger';
export * from './correlation';
export * from './metrics';
export * from './health';
