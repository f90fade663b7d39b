export * from './errors.js';
export * from './sse.js';
export * from './zod.js';
export type { ZodTypeProvider } from 'fastify-type-provider-zod';
export * from './event-bus.js';
export * from './http-error.js';
export * from './ws-close.js';
