export * from './common.js';
export * from './templates.js';
export * from './operations.js';
export * from './instances.js';
export * from './hosts.js';
export * from './tasks.js';
export * from './events.js';
export * from './auth.js';
