// Ships the migration folders inside dist (dist/prisma/...) so the compiled
// package can migrate without the repository's /prisma folder next to it.
import { cpSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrationsDir, repoPrismaDir } from '../src/migrations.js';

const target = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'prisma');
rmSync(target, { recursive: true, force: true });
for (const provider of ['sqlite', 'postgresql'] as const) {
  cpSync(migrationsDir(provider, repoPrismaDir), migrationsDir(provider, target), {
    recursive: true,
  });
}
