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
const app = await buildAgent(config, { logger: true });
await app.listen({ host: config.host, port: config.port });

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  // Containers keep running: LXC's own monitor owns them, not this process.
  process.once(signal, () => void app.close().then(() => process.exit(0)));
}
