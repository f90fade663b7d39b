#!/usr/bin/env node
import { buildAgent } from './app.js';
import { loadConfig } from './config.js';

const config = loadConfig();
const app = await buildAgent(config, { logger: true });
await app.listen({ host: config.host, port: config.port });

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  // Containers keep running: LXC's own monitor owns them, not this process.
  process.once(signal, () => void app.close().then(() => process.exit(0)));
}
