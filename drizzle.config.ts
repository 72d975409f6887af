import { defineConfig } from 'drizzle-kit';

// Migrations are generated here and applied by scripts/db-gateway.ts locally, or by
// `drizzle-kit migrate` against Neon/Supabase (see docs/deploy.md).
export default defineConfig({
  dialect: 'postgresql',
  schema: './drizzle/schema.ts',
  out: './drizzle/migrations',
  entities: { roles: { provider: 'supabase' } },
  dbCredentials: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
});
