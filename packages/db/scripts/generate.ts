// Offline `prisma generate` for both providers.
// Client generation is WebAssembly; the CLI only insists that a native schema
// engine exists (it would download one), so we point it at a stub.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { postgresSchemaFrom, repoPrismaDir } from '../src/migrations.js';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const prismaCli = join(
  dirname(createRequire(import.meta.url).resolve('prisma/package.json')),
  'build/index.js',
);

const derived = postgresSchemaFrom(readFileSync(join(repoPrismaDir, 'schema.prisma'), 'utf8'));
writeFileSync(join(repoPrismaDir, 'postgresql', 'schema.prisma'), derived);

for (const config of ['prisma.config.ts', 'prisma.postgresql.config.ts']) {
  execFileSync(process.execPath, [prismaCli, 'generate', '--config', config], {
    cwd: pkgDir,
    stdio: 'inherit',
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: join(pkgDir, 'scripts', 'schema-engine-stub.sh'),
      CHECKPOINT_DISABLE: '1', // no telemetry/update check over the network
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
    },
  });
}
