export * from './errors';
export * from './zod.pipe';
export * from './exception.filter';
export * from './tokens';
export * from './readiness';
export * from './platform.module';
export * from './bootstrap';
