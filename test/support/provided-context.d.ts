// What test/global-setup.ts provides to the suites, and test/e2e/global-setup.ts to the e2e project (vitest `inject`).
import type { JWK } from 'jose';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The gateway the Worker's bindings use: server Postgres when TEST_DATABASE_URL is set, else PGlite. */
    dbEndpoint: string;
    /** Every backend under test, by name (`pglite`; `postgres` when TEST_DATABASE_URL is set; `supabase` when TEST_SUPABASE_ADMIN_URL is). */
    dbEndpoints: Record<string, string>;
    /** Postgres URLs for Hyperdrive bindings in local mode, by backend: `pglite` (its own PGlite over the wire protocol), `postgres` (TEST_DATABASE_URL) and `supabase` (a Supabase-shaped database, as `postgres`) when set. */
    hyperdriveUrls: Record<string, string>;
    /** `dbEndpoint` behind a switch (test/support/db-fault-proxy.ts): the outage suite's database. */
    dbFaultProxyUrl: string;
    /** POST {down, failNext} / GET the switch's state. */
    dbFaultControlUrl: string;
    fakeUpstreamUrl: string;
    supabaseUrl: string;
    supabasePrivateJwk: JWK;
    /** The fake Sentry ingest (scripts/fake-sentry.ts): the sentry suite's SENTRY_DSN, and its base URL (GET /__control/envelopes). */
    fakeSentryDsn: string;
    fakeSentryUrl: string;
    /** The billing Worker (billing/) as a deploy builds it: the bundle the workerd suites run beside the chat Worker. */
    billingBundle: string;

    /** e2e: the Worker with AUTH_MODE=dev (sign in through POST /api/dev/session), `http://127.0.0.1:PORT`. */
    e2eDevUrl: string;
    /** e2e: the Worker with AUTH_MODE=supabase, verifying the fake Supabase Auth's tokens by its JWKS. */
    e2eSupabaseUrl: string;
    /** e2e: the fake Supabase Auth (scripts/fake-supabase-auth.ts), the supabase Worker's SUPABASE_URL. */
    e2eAuthUrl: string;
    /** e2e: its publishable key (the `apikey` header), the supabase Worker's SUPABASE_PUBLISHABLE_KEY. */
    e2eAuthPublishableKey: string;
    /** e2e: the fake vendor upstreams both Workers use (their /__control routes steer and record replies). */
    e2eUpstreamUrl: string;
    /** e2e: the database gateway both Workers use (Neon's HTTP protocol, POST /sql). */
    e2eGatewayUrl: string;
    /** e2e: where each Worker writes its output (the gateway's goes to `dev`); kept after the run with E2E_KEEP=1. */
    e2eLogs: { dev: string; supabase: string };
  }
}
