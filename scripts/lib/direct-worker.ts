// Child process of scripts/lib/worker-runtime.ts (`direct`): runs the Worker through wrangler's
// programmatic dev environment (the machinery behind `wrangler dev` and `unstable_startWorker`:
// same bundling, wrangler.toml, Durable Objects, queue consumer, assets and local persistence),
// with the inspector off and file watching off, and reports the Worker's own workerd address.
// Requests sent there skip wrangler's dev proxy, a second workerd that relays every request and
// response. Reports `{ url }` or `{ error }` over IPC, then runs until SIGTERM. The billing Worker
// runs beside it in a dev environment of its own, found through a dev registry private to this
// run (wrangler connects service bindings, RPC included, through it; `wrangler dev -c -c` runs
// both in one workerd instead, with machinery wrangler does not export).
import { join } from 'node:path';
import { unstable_DevEnv } from 'wrangler';

export type DirectWorkerOptions = {
  /** wrangler.toml, or its copy with a Hyperdrive binding (worker-config.ts). */
  configPath: string;
  /** Port of wrangler's proxy, which still starts but is not used. */
  port: number;
  persistTo: string;
  /** Plain-text bindings, as `wrangler dev --var` gives them. */
  vars: Record<string, string>;
  envFiles?: string[];
  /** Serve the static assets from here instead of wrangler.toml's directory. */
  assetsDirectory?: string;
  /** The billing Worker's local configuration (worker-config.ts's localBillingConfig), started first. */
  billingConfigPath?: string;
};

export type DirectWorkerReport = { url: string } | { error: string };

type UrlParts = { protocol: string; hostname: string; port: string };
type ReloadComplete = { proxyData: { userWorkerUrl: UrlParts } };
type DevEnvError = { source: string; reason: string; cause?: { message?: string; stack?: string } };

async function main() {
  const options = JSON.parse(process.argv[2] ?? '') as DirectWorkerOptions;
  const registry = join(options.persistTo, 'dev-registry');
  const billing = options.billingConfigPath
    ? await startBilling(options.billingConfigPath, options, registry)
    : undefined;
  const devEnv = new unstable_DevEnv();
  let loaded = false;
  // The Worker's own socket is known only from this event (proxyData is what the proxy forwards to).
  const workerUrl = new Promise<string>((resolve) => {
    devEnv.on('reloadComplete', ({ proxyData: { userWorkerUrl: u } }: ReloadComplete) =>
      resolve(`${u.protocol}//${u.hostname}:${u.port}`),
    );
  });
  const failed = new Promise<never>((_, reject) => {
    devEnv.on('error', (event: DevEnvError) => {
      const detail = `${event.source}: ${event.reason}${event.cause?.message ? ` (${event.cause.message})` : ''}`;
      if (loaded) console.error(`direct worker: ${detail}`);
      else reject(new Error(detail));
    });
  });
  failed.catch(() => {}); // raced below; an error during startWorker must not crash before that

  const worker = await devEnv.startWorker({
    config: options.configPath,
    envFiles: options.envFiles,
    ...(options.assetsDirectory ? { assets: options.assetsDirectory } : {}),
    bindings: Object.fromEntries(
      Object.entries(options.vars).map(([name, value]) => [name, { type: 'plain_text', value }]),
    ),
    dev: {
      server: { hostname: '127.0.0.1', port: options.port },
      inspector: false,
      persist: options.persistTo,
      registry,
      testScheduled: true,
      // Edits to the working tree during a run must not reload the Worker under the measurement.
      watch: false,
      liveReload: false,
    },
  });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    Promise.allSettled([worker.dispose(), billing?.dispose()]).finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  const url = await Promise.race([workerUrl, failed]);
  loaded = true;
  await report({ url });
}

/** The billing Worker, on a port of its own that nothing but the chat Worker's binding uses. */
async function startBilling(config: string, options: DirectWorkerOptions, registry: string) {
  const devEnv = new unstable_DevEnv();
  const failed = new Promise<never>((_, reject) => {
    devEnv.on('error', (event: DevEnvError) => reject(new Error(`billing Worker: ${event.source}: ${event.reason}`)));
  });
  failed.catch(() => {});
  const loaded = new Promise<void>((resolve) => devEnv.on('reloadComplete', () => resolve()));
  const worker = await devEnv.startWorker({
    config,
    dev: {
      server: { hostname: '127.0.0.1', port: 0 },
      inspector: false,
      persist: options.persistTo,
      registry,
      watch: false,
      liveReload: false,
    },
  });
  await Promise.race([loaded, failed]);
  return worker;
}

/** Resolves once the message is handed over, so an exit right after cannot lose it. */
function report(message: DirectWorkerReport): Promise<void> {
  if (!process.send) {
    console.log(JSON.stringify(message));
    return Promise.resolve();
  }
  return new Promise((resolve) => process.send!(message, undefined, undefined, () => resolve()));
}

if (import.meta.main) {
  main().catch(async (error: unknown) => {
    await report({ error: (error as Error)?.message ?? String(error) });
    process.exit(1);
  });
}
