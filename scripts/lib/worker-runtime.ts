// Runs the Worker locally, one of two ways, each in its own process group so stopping it stops
// every workerd it started:
// - `wrangler-dev`: `wrangler dev` as a developer runs it (`npm start`): requests pass wrangler's
//   dev proxy, and its inspector is attached (console output travels over it).
// - `direct`: scripts/lib/direct-worker.ts, the same wrangler build of the same wrangler.toml
//   (Durable Objects, queue, assets, bindings, persistence), reached at the Worker's own workerd
//   socket with no inspector: the bench measures Parley there, not wrangler's dev tooling.
import { once } from 'node:events';
import type { ChildProcess, StdioOptions } from 'node:child_process';
import { killGroup, spawnGroup, withIpc, wranglerEnv } from './processes.ts';
import type { DirectWorkerOptions, DirectWorkerReport } from './direct-worker.ts';
import { localBillingConfig, localWorkerConfig } from './worker-config.ts';

export type WorkerRuntimeKind = 'wrangler-dev' | 'direct';

export type WorkerRuntimeOptions = {
  kind: WorkerRuntimeKind;
  /** wrangler dev's port; for `direct`, the port of wrangler's (unused) proxy. */
  port: number;
  persistTo: string;
  vars: Record<string, string>;
  /** Without them wrangler reads .dev.vars. */
  envFiles?: string[];
  /** Serve the static assets from here instead of wrangler.toml's directory (frontend/dist). */
  assetsDirectory?: string;
  /** Inherited by default. */
  stdio?: StdioOptions;
  /** A Postgres URL: the Worker gets a HYPERDRIVE binding in local mode to it (see worker-config.ts). */
  hyperdrive?: string;
  /** Another entry module than wrangler.toml's (the bench's, worker/bench/entry.ts). */
  main?: string;
  /**
   * The billing Worker's settings (its database and Stripe's): it runs beside the chat Worker, which
   * reaches it through its BILLING service binding (in the same `wrangler dev`, or for `direct` in a
   * dev environment of its own: see direct-worker.ts).
   */
  billingVars?: Record<string, string>;
};

export type WorkerRuntime = {
  kind: WorkerRuntimeKind;
  /** Where requests go, `http://127.0.0.1:PORT`. */
  url: string;
  /** Settles with the exit code (null after a signal) whenever the process exits. */
  exited: Promise<number | null>;
  readonly running: boolean;
  /** SIGTERM to the process group, SIGKILL after `graceMs`. */
  stop(graceMs: number): Promise<void>;
  /** SIGKILL to the process group at once, as a host that dies mid-request: resolves once it has exited. */
  kill(): Promise<void>;
};

/** How long the direct starter may take to bundle and load the Worker. */
const DIRECT_START_TIMEOUT_MS = 90_000;

export async function startWorkerRuntime(options: WorkerRuntimeOptions): Promise<WorkerRuntime> {
  const child = options.kind === 'direct' ? spawnDirect(options) : spawnWranglerDev(options);
  // The process runs in its own group, so it must be stopped explicitly even if this process crashes.
  const killOnExit = () => killGroup(child);
  process.on('exit', killOnExit);
  const exited = once(child, 'exit').then(
    ([code]) => code as number | null,
    () => null,
  );
  let running = true;
  void exited.then(() => {
    running = false;
    process.off('exit', killOnExit);
  });
  const stop = async (graceMs: number) => {
    killGroup(child);
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'timeout'>((resolve) => (timer = setTimeout(resolve, graceMs, 'timeout')));
    if ((await Promise.race([exited, grace])) === 'timeout') killGroup(child, 'SIGKILL');
    clearTimeout(timer);
  };

  let url = `http://127.0.0.1:${options.port}`;
  if (options.kind === 'direct') {
    try {
      url = await directUrl(child, exited);
    } catch (error) {
      await stop(2000);
      throw error;
    }
  }
  return {
    kind: options.kind,
    url,
    exited,
    get running() {
      return running;
    },
    stop,
    async kill() {
      killGroup(child, 'SIGKILL');
      await exited;
    },
  };
}

function spawnWranglerDev(options: WorkerRuntimeOptions): ChildProcess {
  const { config, env } = localWorkerConfig(options);
  const billing = options.billingVars
    ? [
        '--config',
        localBillingConfig({ port: options.port, vars: options.billingVars, hyperdrive: options.hyperdrive }),
      ]
    : [];
  return spawnGroup(
    process.execPath,
    [
      'node_modules/wrangler/bin/wrangler.js',
      'dev',
      '--config',
      config,
      ...billing,
      '--ip',
      '127.0.0.1',
      '--port',
      String(options.port),
      '--persist-to',
      options.persistTo,
      '--test-scheduled',
      '--show-interactive-dev-session=false',
      ...(options.envFiles ?? []).flatMap((file) => ['--env-file', file]),
      ...(options.assetsDirectory ? ['--assets', options.assetsDirectory] : []),
      ...Object.entries(options.vars).flatMap(([key, value]) => ['--var', `${key}:${value}`]),
    ],
    { env: wranglerEnv(env), ...(options.stdio ? { stdio: options.stdio } : {}) },
  );
}

function spawnDirect(options: WorkerRuntimeOptions): ChildProcess {
  const { config: configPath, env } = localWorkerConfig(options);
  const config: DirectWorkerOptions = {
    configPath,
    port: options.port,
    persistTo: options.persistTo,
    vars: options.vars,
    envFiles: options.envFiles,
    assetsDirectory: options.assetsDirectory,
    ...(options.billingVars
      ? {
          billingConfigPath: localBillingConfig({
            port: options.port,
            vars: options.billingVars,
            hyperdrive: options.hyperdrive,
          }),
        }
      : {}),
  };
  return spawnGroup(process.execPath, ['scripts/lib/direct-worker.ts', JSON.stringify(config)], {
    env: wranglerEnv(env),
    stdio: withIpc(options.stdio ?? 'inherit'),
  });
}

/** The Worker's own address, as the starter reports it once the Worker is loaded. */
async function directUrl(child: ChildProcess, exited: Promise<number | null>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const report = await Promise.race([
      once(child, 'message').then(([message]) => message as DirectWorkerReport),
      exited.then((code) => ({
        error: `the direct Worker starter exited (${code ?? 'signal'}) before the Worker was loaded`,
      })),
      new Promise<DirectWorkerReport>((resolve) => {
        timer = setTimeout(resolve, DIRECT_START_TIMEOUT_MS, {
          error: `the Worker was not loaded within ${DIRECT_START_TIMEOUT_MS / 1000} s`,
        });
      }),
    ]);
    if ('error' in report) throw new Error(`direct Worker runtime: ${report.error}`);
    return report.url;
  } finally {
    clearTimeout(timer);
    if (child.connected) child.disconnect(); // the channel would keep this process alive
  }
}
