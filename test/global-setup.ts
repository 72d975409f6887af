// Starts what the suites need, once per run: the database gateway (PGlite in a fresh folder, a
// second one on TEST_DATABASE_URL when set, and a third on a fresh Supabase-shaped database when
// TEST_SUPABASE_ADMIN_URL names a cluster from scripts/supabase-shaped-cluster.sh, migrated as its
// `postgres`, which is no superuser), the fake vendor upstreams and the fake Supabase Auth (its JWKS).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startGateway } from '../scripts/db-gateway.ts';
import { startFakeUpstreams } from '../scripts/fake-upstreams.ts';
import { startFakeSupabaseAuth } from '../scripts/fake-supabase-auth.ts';
import { startFakeSentry } from '../scripts/fake-sentry.ts';
import { startDbFaultProxy } from './support/db-fault-proxy.ts';
import { createSupabaseShapedDb } from '../scripts/supabase-shaped-db.ts';
import { workerBundleSize } from '../scripts/bench/bundle.ts';

export default async function setup(project: TestProject) {
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-test-'));
  const migrationsFolder = 'drizzle/migrations';
  const supabaseAdminUrl = process.env.TEST_SUPABASE_ADMIN_URL;
  const billingOutdir = join(dataDir, 'billing-worker');
  const [pglite, wirePglite, postgres, supabase, upstreams, auth] = await Promise.all([
    startGateway({ dataDir: join(dataDir, 'http'), port: 0, migrationsFolder }),
    // Its own PGlite for the Hyperdrive suites, over the wire protocol: PGlite has one session, and
    // the HTTP gateway's transactions must not interleave with a wire connection's.
    startGateway({ dataDir: join(dataDir, 'wire'), port: 0, wirePort: 0, migrationsFolder }),
    process.env.TEST_DATABASE_URL
      ? startGateway({ databaseUrl: process.env.TEST_DATABASE_URL, port: 0, migrationsFolder })
      : undefined,
    supabaseAdminUrl ? startSupabaseShapedGateway(supabaseAdminUrl, migrationsFolder) : undefined,
    startFakeUpstreams({ port: 0 }),
    startFakeSupabaseAuth(),
    // The billing Worker, built as a deploy builds it: the workerd suites run it beside the chat Worker.
    workerBundleSize(billingOutdir, 'billing/wrangler.toml'),
  ]);
  const dbEndpoints: Record<string, string> = { pglite: pglite.url };
  // The outage suite's database: the same gateway, behind a switch it can turn off.
  const faultProxy = await startDbFaultProxy(postgres?.url ?? pglite.url);
  if (postgres) dbEndpoints.postgres = postgres.url;
  if (supabase) dbEndpoints.supabase = supabase.url;

  // Worker suites talk to the server Postgres when there is one: it is the production-like backend.
  project.provide('dbEndpoint', postgres?.url ?? pglite.url);
  project.provide('dbEndpoints', dbEndpoints);
  project.provide('hyperdriveUrls', {
    pglite: wirePglite.wireUrl ?? '',
    ...(process.env.TEST_DATABASE_URL ? { postgres: process.env.TEST_DATABASE_URL } : {}),
    ...(supabase?.wireUrl ? { supabase: supabase.wireUrl } : {}),
  });
  project.provide('dbFaultProxyUrl', faultProxy.url);
  project.provide('dbFaultControlUrl', faultProxy.controlUrl);
  project.provide('fakeUpstreamUrl', upstreams.url);
  project.provide('billingBundle', join(billingOutdir, 'index.js'));
  project.provide('supabaseUrl', auth.url);
  project.provide('supabasePrivateJwk', auth.privateJwk);
  // The sentry suite's Worker reports to this fake ingest (its SENTRY_DSN).
  const sentry = await startFakeSentry();
  project.provide('fakeSentryDsn', sentry.dsn);
  project.provide('fakeSentryUrl', sentry.url);

  return async () => {
    await sentry.close();
    await Promise.all([
      faultProxy.close(),
      pglite.close(),
      wirePglite.close(),
      postgres?.close(),
      supabase?.close(),
      upstreams.close(),
      auth.close(),
    ]);
    await rm(dataDir, { recursive: true, force: true });
  };
}

/** A fresh Supabase-shaped database, migrated as `postgres` by the gateway that then serves it. */
async function startSupabaseShapedGateway(adminUrl: string, migrationsFolder: string) {
  const { postgresUrl } = await createSupabaseShapedDb({ adminUrl, database: 'parley_supabase_test' });
  return startGateway({ databaseUrl: postgresUrl, port: 0, migrationsFolder });
}
