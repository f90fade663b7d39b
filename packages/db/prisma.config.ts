import { defineConfig } from 'prisma/config';

// The schema and migrations live at the repo root (/prisma); this package owns
// the tooling around them. Run the stock CLI from this directory.
export default defineConfig({
  schema: '../../prisma/schema.prisma',
  migrations: { path: '../../prisma/migrations' },
  // Only migrate/introspect commands need a URL; generate works without one.
  datasource: { url: process.env.DATABASE_URL },
});
