// The whole local stack, as `npm start` and `npm run bench` run it: the database gateway (PGlite,
// or a Postgres URL) with migrations applied, the fake vendor upstreams, and the Worker (`wrangler
// dev`, or the bench's direct runtime: see worker-runtime.ts) with bindings that tie them
// together. Vendors without a key answer through the fakes. More Workers can share the same
// database and fakes (`addWorker`: the browser tests run one per sign-in mode). Signals and exit
// codes are the caller's business; the stack only makes sure no Worker outlives this process.
import type { StdioOptions } from 'node:child_process';
import { startFakeUpstreams, type FakeUpstreams } from '../fake-upstreams.ts';
import { waitForOk } from './processes.ts';
import { startRestartableGateway, type DatabaseGateway } from './restartable-gateway.ts';
import { startWorkerRuntime, type WorkerRuntimeKind } from './worker-runtime.ts';

const VENDORS = [
  ['ANTHROPIC', '/anthropic'],
  ['OPENAI', '/openai/v1'],
  ['GEMINI', '/gemini'],
] as const;
type VendorKey = `${(typeof VENDORS)[number][0]}_API_KEY`;

/** How long the Worker gets to shut down on SIGTERM before its process group is killed. */
const STOP_GRACE_MS = 5000;

export type StackOptions = {
  /** The Worker's port (for `direct`, the port of wrangler's unused proxy). */
  port: number;
  /** 0 picks a free port. */
  gatewayPort: number;
  /** 0 picks a free port. */
  fakeUpstreamPort: number;
  /** PGlite data directory; unused when `databaseUrl` is set. */
  dataDir: string;
  /** wrangler's `--persist-to`: Durable Object, queue and cache state. */
  persistTo: string;
  /** Another entry module than wrangler.toml's, for every Worker of the stack (the bench's: worker/bench/entry.ts). */
  main?: string;
  /** Where the fake Stripe keeps its account, so it outlives a restart as Postgres's ids of its customers do (`npm start`); unset: in memory. */
  stripeStateFile?: string;
  /** A Postgres URL to serve instead of PGlite. */
  databaseUrl?: string;
  /** Every database request answered this many milliseconds late (GATEWAY_LATENCY_MS); default 0. */
  gatewayLatencyMs?: number;
  /** Vendor keys the Worker already has (from .dev.vars); each vendor without one is pointed at the fakes, and so is email without RESEND_API_KEY. */
  apiKeys?: Partial<Record<VendorKey | 'RESEND_API_KEY', string>>;
  /** Stripe's settings for the billing Worker (STRIPE_* from .dev.vars); without STRIPE_SECRET_KEY it uses the fake Stripe. */
  stripe?: Record<string, string>;
  /** More `--var` bindings; AUTH_MODE defaults to `dev`. */
  vars?: Record<string, string>;
  /** Models served through OPENAI_COMPAT_* by the fakes' OpenAI-compatible endpoint (e.g. a model that reads no images, for the browser tests). */
  compatModels?: string[];
  /** `--env-file`s for wrangler; without them it reads .dev.vars. */
  envFiles?: string[];
  /** Static assets from here instead of frontend/dist (a snapshot that a rebuild cannot change mid-run). */
  assetsDirectory?: string;
  /** The Worker's stdio; inherited by default. */
  stdio?: StdioOptions;
  /** `wrangler-dev` (default) or `direct`: see worker-runtime.ts. */
  runtime?: WorkerRuntimeKind;
  /**
   * How the Worker reaches the database: `neon-http` (default: Neon's HTTP driver through the
   * gateway) or `hyperdrive` (node-postgres through a Hyperdrive binding in local mode: to PGlite
   * over the wire protocol, or to `databaseUrl`).
   */
  databaseTransport?: 'neon-http' | 'hyperdrive';
  /** Run the gateway as a child process writing to this stdio (see gateway-process.ts); default in this process. */
  gatewayChildProcess?: { stdio?: StdioOptions };
};

/** Another Worker on the same database and fakes: its own port and Durable Object state, the stack's bindings with `vars` on top. */
export type WorkerOptions = Pick<
  StackOptions,
  'port' | 'persistTo' | 'envFiles' | 'assetsDirectory' | 'stdio' | 'runtime'
> & { vars?: Record<string, string>; databaseTransport?: StackOptions['databaseTransport'] };

export type StackWorker = {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  runtime: WorkerRuntimeKind;
  /** The `--var` bindings it was given. */
  vars: Record<string, string>;
  /** Settles with its process's exit code (null after a signal) whenever it exits. */
  exited: Promise<number | null>;
  /** Polls /api/health until it answers 200; false on timeout, or once it has exited. */
  ready(timeoutMs: number): Promise<boolean>;
  /** Stops it (its whole process group). */
  stop(): Promise<void>;
  /** Kills it (SIGKILL to its process group), mid-request if it is in one: its persisted state stays for a restart. */
  kill(): Promise<void>;
};

export type Stack = {
  /** The Worker, `http://127.0.0.1:PORT`. */
  url: string;
  /** How the Worker runs. */
  runtime: WorkerRuntimeKind;
  /** The database gateway now running (or last running, while the database is stopped). */
  readonly gateway: DatabaseGateway;
  upstreams: FakeUpstreams;
  /** The `--var` bindings the Worker was given. */
  vars: Record<string, string>;
  /** Vendors answering through the fake upstreams (`anthropic`, `openai`, `gemini`). */
  offline: string[];
  /** Settles with the Worker process's exit code (null after a signal) whenever it exits. */
  exited: Promise<number | null>;
  /** Polls /api/health until it answers 200; false on timeout, or once the Worker has exited. */
  ready(timeoutMs: number): Promise<boolean>;
  /** Takes the database away: the gateway closes and its port refuses connections. */
  stopDatabase(): Promise<void>;
  /** Brings it back on the same port with the same data and latency. */
  startDatabase(): Promise<void>;
  /** Starts another Worker sharing the gateway and the fakes (two Workers must not share one `persistTo`). */
  addWorker(options: WorkerOptions): Promise<StackWorker>;
  /** Stops every Worker (each process group), then the gateway and the fakes. Safe to call twice. */
  stop(): Promise<void>;
};

/** Starts the gateway and the fakes, then the Worker; resolves once it is spawned (see `ready`). */
export async function startStack(options: StackOptions): Promise<Stack> {
  const [gatewayResult, upstreamsResult] = await Promise.allSettled([
    startRestartableGateway({
      databaseUrl: options.databaseUrl,
      dataDir: options.dataDir,
      port: options.gatewayPort,
      latencyMs: options.gatewayLatencyMs,
      // PGlite is also served over the wire protocol, so any Worker of the stack can use Hyperdrive.
      wirePort: 0,
      childProcess: options.gatewayChildProcess,
    }),
    startFakeUpstreams({ port: options.fakeUpstreamPort, stripeStateFile: options.stripeStateFile }),
  ]);
  if (gatewayResult.status === 'rejected' || upstreamsResult.status === 'rejected') {
    await Promise.allSettled([
      gatewayResult.status === 'fulfilled' ? gatewayResult.value.stop() : undefined,
      upstreamsResult.status === 'fulfilled' ? upstreamsResult.value.close() : undefined,
    ]);
    throw gatewayResult.status === 'rejected'
      ? gatewayResult.reason
      : (upstreamsResult as PromiseRejectedResult).reason;
  }
  const database = gatewayResult.value;
  const upstreams = upstreamsResult.value;

  const vars: Record<string, string> = {
    AUTH_MODE: 'dev',
    ...options.vars,
    DATABASE_URL: options.databaseUrl ?? 'postgresql://parley@127.0.0.1/parley',
    DATABASE_HTTP_ENDPOINT: database.current.url,
  };
  const offline: string[] = [];
  for (const [vendor, path] of VENDORS) {
    if (options.apiKeys?.[`${vendor}_API_KEY`]) continue;
    vars[`${vendor}_API_KEY`] = 'offline-demo';
    vars[`${vendor}_BASE_URL`] = `${upstreams.url}${path}`;
    offline.push(vendor.toLowerCase());
  }
  if (options.compatModels?.length) {
    vars.OPENAI_COMPAT_BASE_URL = `${upstreams.url}/compat/v1`;
    vars.OPENAI_COMPAT_API_KEY = 'offline-demo';
    vars.OPENAI_COMPAT_MODELS = options.compatModels.join(',');
    offline.push('openai-compat');
  }
  // Said explicitly, so GET /api/models can mark those models as offline demos (empty when every vendor has a key).
  vars.OFFLINE_PROVIDERS = offline.join(',');
  // The billing Worker (billing/, beside the chat Worker under wrangler dev) shares the database, and
  // answers through the fake Stripe unless .dev.vars has a Stripe key.
  const billingVars: Record<string, string> = {
    DATABASE_URL: vars.DATABASE_URL!,
    DATABASE_HTTP_ENDPOINT: vars.DATABASE_HTTP_ENDPOINT!,
    ...(options.stripe?.STRIPE_SECRET_KEY
      ? options.stripe
      : {
          STRIPE_SECRET_KEY: 'sk_test_offline',
          STRIPE_WEBHOOK_SECRET: 'whsec_offline',
          STRIPE_PRICE_PRO: 'price_offline_pro',
          STRIPE_PRICE_USAGE: 'price_offline_tokens',
          STRIPE_METER_EVENT: 'parley_tokens',
          STRIPE_API_BASE: `${upstreams.url}/stripe`,
        }),
  };
  // Quota warning emails go to the fake Resend (scripts/fake-resend.ts), which records them.
  if (!options.apiKeys?.RESEND_API_KEY && !options.vars?.RESEND_API_KEY) {
    vars.RESEND_API_KEY = 'offline-demo';
    vars.RESEND_BASE_URL = `${upstreams.url}/resend`;
    vars.EMAIL_FROM ??= 'Parley <noreply@parley.example>';
  }

  // Turnstile, for sites that turn it on, is the fake's (scripts/fake-turnstile.ts): Cloudflare's test keys behave as documented.
  vars.TURNSTILE_BASE_URL ??= upstreams.url;

  const hyperdriveTo = (transport: StackOptions['databaseTransport']) =>
    transport === 'hyperdrive' ? database.current.wireUrl : undefined;
  const runtime = await startWorkerRuntime({
    hyperdrive: hyperdriveTo(options.databaseTransport),
    main: options.main,
    kind: options.runtime ?? 'wrangler-dev',
    port: options.port,
    persistTo: options.persistTo,
    vars,
    billingVars,
    envFiles: options.envFiles,
    assetsDirectory: options.assetsDirectory,
    stdio: options.stdio,
  }).catch(async (error: unknown) => {
    await Promise.allSettled([database.stop(), upstreams.close()]);
    throw error;
  });

  let stopped: Promise<void> | undefined;
  const added: StackWorker[] = [];
  const addWorker = async (worker: WorkerOptions): Promise<StackWorker> => {
    if (stopped) throw new Error('the stack is stopped');
    const workerVars = { ...vars, ...worker.vars };
    const extra = await startWorkerRuntime({
      hyperdrive: hyperdriveTo(worker.databaseTransport ?? options.databaseTransport),
      main: options.main,
      kind: worker.runtime ?? options.runtime ?? 'wrangler-dev',
      port: worker.port,
      persistTo: worker.persistTo,
      vars: workerVars,
      billingVars,
      envFiles: worker.envFiles ?? options.envFiles,
      assetsDirectory: worker.assetsDirectory ?? options.assetsDirectory,
      stdio: worker.stdio ?? options.stdio,
    });
    const handle: StackWorker = {
      url: extra.url,
      runtime: extra.kind,
      vars: workerVars,
      exited: extra.exited,
      ready: (timeoutMs) => waitForOk(`${extra.url}/api/health`, timeoutMs, () => extra.running && !stopped),
      stop: () => extra.stop(STOP_GRACE_MS),
      kill: () => extra.kill(),
    };
    added.push(handle);
    return handle;
  };
  return {
    url: runtime.url,
    runtime: runtime.kind,
    get gateway() {
      return database.current;
    },
    upstreams,
    vars,
    offline,
    exited: runtime.exited,
    ready: (timeoutMs) => waitForOk(`${runtime.url}/api/health`, timeoutMs, () => runtime.running && !stopped),
    stopDatabase: () => database.stop(),
    startDatabase: () => database.start(),
    addWorker,
    stop: () =>
      (stopped ??= (async () => {
        await Promise.allSettled([runtime.stop(STOP_GRACE_MS), ...added.map((worker) => worker.stop())]);
        await Promise.allSettled([database.stop(), upstreams.close()]);
      })()),
  };
}
