// Developer entry points: `pnpm migrate:create -- <name>` and `pnpm migrate:deploy`.
import { applyMigrations, createMigration } from '../src/migrations.js';

const [command, ...args] = process.argv.slice(2).filter((a) => a !== '--');

try {
  if (command === 'create') {
    const created = await createMigration(args.join('_'));
    console.log(
      created.length
        ? `Created:\n  ${created.join('\n  ')}`
        : 'No schema changes; nothing to create.',
    );
  } else if (command === 'deploy') {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('Set DATABASE_URL (file:<path> or postgresql://...)');
    const applied = await applyMigrations(url);
    console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'No pending migrations.');
  } else {
    throw new Error('usage: migrate.ts create <name> | deploy');
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
