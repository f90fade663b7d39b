import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { openDatabase } from '@berth/db';
import { buildApi } from './app.js';
import { loadConfig } from './config.js';
import { logUnhandledRejections } from './unhandled.js';

const config = loadConfig();
mkdirSync(config.dataDir, { recursive: true });
const db = await openDatabase(config.databaseUrl);
const { app, firstAdmin } = await buildApi(config, db, { logger: true });

logUnhandledRejections(app.log);

await app.listen({ host: config.host, port: config.port });

if (firstAdmin) {
  // Shown once; kept root-only on disk so the operator who ran the start command can find it again.
  const file = path.join(config.dataDir, 'initial-admin.txt');
  writeFileSync(file, `username: ${firstAdmin.username}\npassword: ${firstAdmin.password}\n`, {
    mode: 0o600,
  });
  app.log.info(`first admin created: ${firstAdmin.username} (password in ${file})`);
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(
    signal,
    () =>
      void app
        .close()
        .then(() => db.$disconnect())
        .then(() => process.exit(0)),
  );
}
