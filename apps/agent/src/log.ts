type LogFn = (objOrMsg: object | string, msg?: string) => void;

/**
 * What the agent's code logs through: Fastify's pino logger, one child per component
 * (`app.log.child({ component: 'vms' })`), so domain code gets context without knowing Fastify.
 */
export interface Log {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  child(bindings: Record<string, unknown>): Log;
}

const quiet = () => {};

/** For code running before the agent's logger exists, and for tests. */
export const silentLog: Log = {
  debug: quiet,
  info: quiet,
  warn: quiet,
  error: quiet,
  child: () => silentLog,
};
