import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { openDatabase } from '@berth/db';
import { buildApi } from './app.js';
import { loadConfig } from './config.js';
import { loadCertificate } from './transport/certificate.js';
import { listenOn } from './transport/listen.js';
import { logUnhandledRejections } from './unhandled.js';

const config = loadConfig();
mkdirSync(config.dataDir, { recursive: true });
const certificate = config.tls
  ? await loadCertificate(config.tls, config.dataDir, config.listen)
  : null;
const db = await openDatabase(config.databaseUrl);
const { app, firstAdmin } = await buildApi(config, db, {
  logger: true,
  https: certificate ?? undefined,
});

logUnhandledRejections(app.log);

const bound = await listenOn(app, config.listen, config.port);
const scheme = certificate ? 'https' : 'http';
for (const address of bound) app.log.info(`serving ${scheme}://${address}/`);
if (certificate) {
  // What the browser shows for the certificate: the operator compares it before trusting it.
  app.log.info(
    `certificate SHA-256 fingerprint ${certificate.fingerprint} (${certificate.selfSigned ? 'self-signed, ' : ''}${certificate.certFile})`,
  );
} else {
  app.log.warn(
    'serving plain HTTP (BERTH_HTTP=1): passwords and sessions cross the network readable',
  );
}

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
