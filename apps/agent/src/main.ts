#!/usr/bin/env node
import { buildAgent } from './app.js';
import { loadConfig, type AgentConfig } from './config.js';

let config: AgentConfig;
try {
  config = loadConfig();
} catch (err) {
  // A bad setting is the operator's to fix: say which, without a stack trace.
  console.error((err as Error).message);
  process.exit(2);
}

// The agent holds other processes' state (operations, shells, helpers): one stray promise
// or a full disk in a background write must cost a log line, not the whole agent.
let report = (what: string, err: unknown) => console.error(what, err);
process.on('unhandledRejection', (err) => report('unhandled rejection; still serving', err));
process.on('uncaughtException', (err) => report('uncaught exception; still serving', err));

// Until it listens, a failure means there is nothing to keep serving: exit, so a supervisor
// (systemd, the tests) sees it and restarts it instead of waiting on a silent process.
const app = await buildAgent(config, { logger: true }).catch((err: unknown) => {
  console.error('the agent could not start', err);
  process.exit(1);
});
report = (what, err) => app.log.error({ err }, what);
await app.listen({ host: config.host, port: config.port }).catch((err: unknown) => {
  console.error(`the agent could not listen on ${config.host}:${config.port}`, err);
  process.exit(1);
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  // Containers keep running: LXC's own monitor owns them, not this process.
  process.once(
    signal,
    () =>
      void app
        .close()
        .catch((err: unknown) => report('closing the agent failed', err))
        .then(() => process.exit(0)),
  );
}
