// What test/global-setup.ts provides to the suites (vitest `inject`).
import type { JWK } from 'jose';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The gateway the Worker's bindings use: server Postgres when TEST_DATABASE_URL is set, else PGlite. */
    dbEndpoint: string;
    /** Every backend under test, by name (`pglite`, and `postgres` when TEST_DATABASE_URL is set). */
    dbEndpoints: Record<string, string>;
    /** `dbEndpoint` behind a switch (test/support/db-fault-proxy.ts): the outage suite's database. */
    dbFaultProxyUrl: string;
    /** POST {down, failNext} / GET the switch's state. */
    dbFaultControlUrl: string;
    fakeUpstreamUrl: string;
    supabaseUrl: string;
    supabasePrivateJwk: JWK;
  }
}
