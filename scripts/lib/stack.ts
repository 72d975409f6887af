// The whole local stack, as `npm start` and `npm run bench` run it: the database gateway (PGlite,
// or a Postgres URL) with migrations applied, the fake vendor upstreams, and `wrangler dev` in its
// own process group with `--var` bindings that tie them together. Vendors without a key answer
// through the fakes. Signals and exit codes are the caller's business; the stack only makes sure
// wrangler never outlives this process.
import { once } from 'node:events';
import type { StdioOptions } from 'node:child_process';
import { startGateway, type Gateway } from '../db-gateway.ts';
import { startFakeUpstreams, type FakeUpstreams } from '../fake-upstreams.ts';
import { killGroup, spawnGroup, waitForOk, wranglerEnv } from './processes.ts';

const VENDORS = [['ANTHROPIC', '/anthropic'], ['OPENAI', '/openai/v1'], ['GEMINI', '/gemini']] as const;
type VendorKey = `${(typeof VENDORS)[number][0]}_API_KEY`;

/** How long wrangler gets to shut down on SIGTERM before its process group is killed. */
const STOP_GRACE_MS = 5000;

export type StackOptions = {
  /** wrangler dev's port. */
  port: number;
  /** 0 picks a free port. */
  gatewayPort: number;
  /** 0 picks a free port. */
  fakeUpstreamPort: number;
  /** PGlite data directory; unused when `databaseUrl` is set. */
  dataDir: string;
  /** wrangler's `--persist-to`: Durable Object, queue and cache state. */
  persistTo: string;
  /** A Postgres URL to serve instead of PGlite. */
  databaseUrl?: string;
  /** Vendor keys the Worker already has (from .dev.vars); each vendor without one is pointed at the fakes. */
  apiKeys?: Partial<Record<VendorKey, string>>;
  /** More `--var` bindings; AUTH_MODE defaults to `dev`. */
  vars?: Record<string, string>;
  /** `--env-file`s for wrangler; without them it reads .dev.vars. */
  envFiles?: string[];
  /** wrangler's stdio; inherited by default. */
  stdio?: StdioOptions;
};

export type Stack = {
  /** The Worker, `http://127.0.0.1:PORT`. */
  url: string;
  gateway: Gateway;
  upstreams: FakeUpstreams;
  /** The `--var` bindings wrangler was given. */
  vars: Record<string, string>;
  /** Vendors answering through the fake upstreams (`anthropic`, `openai`, `gemini`). */
  offline: string[];
  /** Settles with wrangler's exit code (null after a signal) whenever it exits. */
  exited: Promise<number | null>;
  /** Polls /api/health until it answers 200; false on timeout, or once wrangler has exited. */
  ready(timeoutMs: number): Promise<boolean>;
  /** Stops wrangler (its whole process group), then the gateway and the fakes. Safe to call twice. */
  stop(): Promise<void>;
};

/** Starts the gateway and the fakes, then spawns wrangler dev; resolves once wrangler is spawned (see `ready`). */
export async function startStack(options: StackOptions): Promise<Stack> {
  const [gatewayResult, upstreamsResult] = await Promise.allSettled([
    startGateway({ databaseUrl: options.databaseUrl, dataDir: options.dataDir, port: options.gatewayPort, migrationsFolder: 'drizzle/migrations' }),
    startFakeUpstreams({ port: options.fakeUpstreamPort }),
  ]);
  if (gatewayResult.status === 'rejected' || upstreamsResult.status === 'rejected') {
    await Promise.allSettled([
      gatewayResult.status === 'fulfilled' ? gatewayResult.value.close() : undefined,
      upstreamsResult.status === 'fulfilled' ? upstreamsResult.value.close() : undefined,
    ]);
    throw gatewayResult.status === 'rejected' ? gatewayResult.reason : (upstreamsResult as PromiseRejectedResult).reason;
  }
  const gateway = gatewayResult.value;
  const upstreams = upstreamsResult.value;

  const vars: Record<string, string> = {
    AUTH_MODE: 'dev',
    ...options.vars,
    DATABASE_URL: options.databaseUrl ?? 'postgresql://parley@127.0.0.1/parley',
    DATABASE_HTTP_ENDPOINT: gateway.url,
  };
  const offline: string[] = [];
  for (const [vendor, path] of VENDORS) {
    if (options.apiKeys?.[`${vendor}_API_KEY`]) continue;
    vars[`${vendor}_API_KEY`] = 'offline-demo';
    vars[`${vendor}_BASE_URL`] = `${upstreams.url}${path}`;
    offline.push(vendor.toLowerCase());
  }

  const wrangler = spawnGroup(process.execPath, [
    'node_modules/wrangler/bin/wrangler.js', 'dev',
    '--ip', '127.0.0.1', '--port', String(options.port),
    '--persist-to', options.persistTo,
    '--test-scheduled', '--show-interactive-dev-session=false',
    ...(options.envFiles ?? []).flatMap((file) => ['--env-file', file]),
    ...Object.entries(vars).flatMap(([key, value]) => ['--var', `${key}:${value}`]),
  ], { env: wranglerEnv(), ...(options.stdio ? { stdio: options.stdio } : {}) });

  // wrangler runs in its own process group, so it must be stopped explicitly even if this process crashes.
  const killOnExit = () => killGroup(wrangler);
  process.on('exit', killOnExit);
  const exited = once(wrangler, 'exit').then(([code]) => code as number | null, () => null);
  let running = true;
  void exited.then(() => (running = false));

  const url = `http://127.0.0.1:${options.port}`;
  let stopped: Promise<void> | undefined;
  return {
    url,
    gateway,
    upstreams,
    vars,
    offline,
    exited,
    ready: (timeoutMs) => waitForOk(`${url}/api/health`, timeoutMs, () => running && !stopped),
    stop: () =>
      (stopped ??= (async () => {
        killGroup(wrangler);
        let timer: NodeJS.Timeout | undefined;
        const grace = new Promise<'timeout'>((resolve) => (timer = setTimeout(resolve, STOP_GRACE_MS, 'timeout')));
        if ((await Promise.race([exited, grace])) === 'timeout') killGroup(wrangler, 'SIGKILL');
        clearTimeout(timer);
        process.off('exit', killOnExit);
        await Promise.allSettled([gateway.close(), upstreams.close()]);
      })()),
  };
}
