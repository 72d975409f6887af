import { defineConfig } from 'vitest/config';
import type { ProvidedContext } from 'vitest';
import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { quietDeliberateWorkerdLogs } from './test/support/quiet-workerd.ts';
import { billingWorkerOptions } from './test/support/billing-worker.ts';

// Four projects: `worker` and `outage` run inside workerd, `node` runs the Node-side scripts
// (gateway, fakes), `e2e` drives Chromium against the whole stack. test/global-setup.ts starts the
// database gateway, the fake upstreams and the outage suite's database switch, and provides their
// URLs; the e2e project starts its own stack (test/e2e/global-setup.ts).

/** A suite inside workerd, with every vendor pointed at the protocol-faithful fakes (the real SDKs run against them). */
function workerProject(
  name: string,
  include: string[],
  database: 'dbEndpoint' | 'dbFaultProxyUrl',
  /** Extra bindings, or a function of what global-setup provides that returns them. */
  vars:
    | Record<string, string>
    | ((provided: <K extends keyof ProvidedContext>(key: K) => ProvidedContext[K]) => Record<string, string>) = {},
  /** Hyperdrive bindings in local mode, by name, from what global-setup provides: with HYPERDRIVE the Worker uses the TCP transport. */
  hyperdrives?: (urls: Record<string, string>) => Record<string, string>,
) {
  return {
    extends: true,
    plugins: [
      cloudflareTest(({ inject }) => {
        const extra = typeof vars === 'function' ? vars(inject) : vars;
        const hyperdriveBindings = hyperdrives ? hyperdrives(inject('hyperdriveUrls')) : undefined;
        const databaseBindings = {
          DATABASE_URL: 'postgresql://parley@127.0.0.1/parley',
          DATABASE_HTTP_ENDPOINT: inject(database),
          ...(extra.DATABASE_TIMEOUT_MS ? { DATABASE_TIMEOUT_MS: extra.DATABASE_TIMEOUT_MS } : {}),
        };
        return {
          wrangler: { configPath: './wrangler.toml' },
          miniflare: {
            bindings: {
              ANTHROPIC_API_KEY: 'test-anthropic-key',
              ANTHROPIC_BASE_URL: `${inject('fakeUpstreamUrl')}/anthropic`,
              OPENAI_API_KEY: 'test-openai-key',
              OPENAI_BASE_URL: `${inject('fakeUpstreamUrl')}/openai/v1`,
              GEMINI_API_KEY: 'test-gemini-key',
              GEMINI_BASE_URL: `${inject('fakeUpstreamUrl')}/gemini`,
              OPENAI_COMPAT_BASE_URL: `${inject('fakeUpstreamUrl')}/compat/v1`,
              OPENAI_COMPAT_MODELS: 'llama-test',
              // As `npm start` says it of a vendor without a key: its models are marked as offline demos.
              OFFLINE_PROVIDERS: 'gemini',
              RESEND_API_KEY: 'test-resend-key',
              RESEND_BASE_URL: `${inject('fakeUpstreamUrl')}/resend`,
              EMAIL_FROM: 'Parley <noreply@parley.example>',
              TURNSTILE_BASE_URL: inject('fakeUpstreamUrl'),
              AUTH_MODE: 'dev',
              ...databaseBindings,
              SUPABASE_URL: inject('supabaseUrl'),
              SUPABASE_JWT_SECRET: 'test-jwt-secret-at-least-32-characters-long',
              API_CORS_ORIGINS: 'https://admin.example',
              OPERATOR_EMAILS: 'ops@parley.example, someone-else@parley.example',
              ...extra,
            },
            ...(hyperdriveBindings ? { hyperdrives: hyperdriveBindings } : {}),
            // The billing Worker behind the BILLING service binding (built by test/global-setup.ts).
            workers: [
              billingWorkerOptions({
                bundle: inject('billingBundle'),
                fakeUpstreamUrl: inject('fakeUpstreamUrl'),
                database: databaseBindings,
                hyperdrive: hyperdriveBindings?.HYPERDRIVE,
              }),
            ],
            // A usage event lands as soon as it is sent, not after wrangler.toml's 3 s batch window.
            queueConsumers: {
              'usage-events': { maxBatchTimeout: 0 },
              'usage-events-dlq': { maxBatchTimeout: 0 },
            },
          },
        };
      }),
    ],
    test: {
      name,
      // The first request into a fresh isolate loads the vendor SDKs through vite's module
      // runner (seconds, once); production bundles are loaded in milliseconds.
      testTimeout: 30_000,
      hookTimeout: 30_000,
      // One workerd and one module graph for all the project's files: a fresh isolate per file
      // cost about 140 s of re-spawning and re-importing the Worker and its SDKs per run.
      isolate: false,
      include,
    },
  };
}

// workerd logs the connections some tests cut on purpose; only those entries are dropped (see the module).
quietDeliberateWorkerdLogs();

export default defineConfig({
  test: {
    globalSetup: ['./test/global-setup.ts'],
    // Three at once on two cores: the suites wait on workerd, wrangler, sockets and a browser more
    // than they compute (one worker left a core mostly idle: 227 s against 172 s for the same run;
    // the suites before the browser tests took 135 s with two and 113 s with three).
    maxWorkers: 3,
    // Request logs are noise when a test passes; a failing test still shows its output.
    silent: 'passed-only',
    projects: [
      workerProject(
        'worker',
        ['worker/**/*.test.ts', 'durable-objects/**/*.test.ts', 'test/worker/**/*.test.ts'],
        'dbEndpoint',
      ),
      // The transport contract (test/transport/): every database module on every backend, over
      // both transports (HTTP and Hyperdrive's TCP, bound here as HYPERDRIVE_<BACKEND> in local
      // mode). And the Worker itself on Hyperdrive (HYPERDRIVE set: node-postgres over TCP), as
      // production reaches Supabase: to the Supabase-shaped database when TEST_SUPABASE_ADMIN_URL
      // is set, else server Postgres (TEST_DATABASE_URL), else PGlite over the wire protocol. Of
      // the integration suites, the ones whose failures only a whole Worker shows: RLS on every
      // backend, rooms writing behind from a Durable Object (sockets belong to the request that
      // opened them), and Stripe's events late, twice and out of order.
      workerProject(
        'hyperdrive',
        [
          'test/transport/**/*.test.ts',
          ...['rls', 'chat', 'billing-webhook'].map((suite) => `test/worker/${suite}.test.ts`),
        ],
        'dbEndpoint',
        {},
        (urls) => ({
          HYPERDRIVE: urls.supabase ?? urls.postgres ?? urls.pglite ?? '',
          ...Object.fromEntries(
            Object.entries(urls).map(([backend, url]) => [`HYPERDRIVE_${backend.toUpperCase()}`, url]),
          ),
        }),
      ),
      // Takes the database down and up: its own workerd, whose database sits behind a switch, so
      // no other suite sees the outage. A vendor silent for 1.5 s is given up on (60 s in production),
      // a database query after 1 s (5 s in production).
      workerProject('outage', ['test/outage/**/*.test.ts'], 'dbFaultProxyUrl', {
        UPSTREAM_IDLE_TIMEOUT_MS: '1500',
        DATABASE_TIMEOUT_MS: '1000',
      }),
      // Error reporting: its own workerd whose SENTRY_DSN points at the fake Sentry ingest
      // (scripts/fake-sentry.ts), so no other suite's errors reach it.
      workerProject('sentry', ['test/sentry/**/*.test.ts'], 'dbEndpoint', (provided) => ({
        SENTRY_DSN: provided('fakeSentryDsn'),
      })),
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['scripts/**/*.test.ts', 'test/node/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          // Its own stack on free ports and throwaway state: two Workers (AUTH_MODE dev and supabase),
          // the gateway, the fake upstreams and the fake Supabase Auth.
          globalSetup: ['./test/e2e/global-setup.ts'],
          // One file at a time: the files share one stack. And after every other project, alone
          // (groupOrder 1): a browser waiting on streams and rendering beside the busy test workers
          // on two cores timed out now and then.
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // A browser waits on streams and rendering: expect.poll keeps trying this long (default 1 s).
          expect: { poll: { timeout: 15_000, interval: 100 } },
        },
      },
    ],
  },
});
