import { defineConfig } from 'prisma/config';

// PostgreSQL twin of prisma.config.ts. Its schema is derived from
// prisma/schema.prisma by `pnpm generate`; use it with `prisma ... --config prisma.postgresql.config.ts`.
export default defineConfig({
  schema: '../../prisma/postgresql/schema.prisma',
  migrations: { path: '../../prisma/postgresql/migrations' },
  datasource: { url: process.env.DATABASE_URL },
});
