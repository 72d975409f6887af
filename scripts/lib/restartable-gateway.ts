// The database gateway at a fixed address that can be stopped and started again, so the bench can
// take the database away from a running Worker and bring it back with the same data: the same
// port (the Worker's DATABASE_HTTP_ENDPOINT does not change), the same PGlite directory or
// Postgres URL, and the latency it had. The gateway runs in this process (`npm start`) or as a
// child process (the bench: see gateway-process.ts).
import type { StdioOptions } from 'node:child_process';
import { startGateway, type Gateway } from '../db-gateway.ts';
import { checkLatencyMs } from '../db-gateway/latency.ts';
import { startGatewayProcess } from './gateway-process.ts';

export type RestartableGatewayOptions = {
  databaseUrl?: string;
  dataDir: string;
  /** 0 picks a free port; restarts reuse the one picked. */
  port: number;
  latencyMs?: number;
  /** Also serve the wire protocol (GatewayOptions.wirePort); 0 picks a free port, which restarts reuse. */
  wirePort?: number;
  /** Run it as a child process; its output goes to `stdio`. */
  childProcess?: { stdio?: StdioOptions };
};

export type DatabaseGateway = Pick<Gateway, 'url' | 'backend' | 'wireUrl'> & {
  readonly latencyMs: number;
  /** Resolves once requests arriving from then on get the new delay (while stopped: from the next start). */
  setLatency(ms: number): Promise<void>;
};

export type RestartableGateway = {
  /** The gateway now running, or the last one while stopped (its URL stays the address). */
  readonly current: DatabaseGateway;
  readonly running: boolean;
  /** Closes the gateway (PGlite flushes its directory); connections are refused until `start`. */
  stop(): Promise<void>;
  /** Opens the same database on the same port again. */
  start(): Promise<void>;
};

type Opened = Pick<Gateway, 'url' | 'backend' | 'wireUrl' | 'latencyMs'> & {
  setLatency(ms: number): void | Promise<void>;
  close(): Promise<void>;
};

export async function startRestartableGateway(options: RestartableGatewayOptions): Promise<RestartableGateway> {
  // Migrations are applied by the first start (the child applies drizzle/migrations itself).
  const open = (
    port: number,
    wirePort: number | undefined,
    latencyMs: number,
    migrationsFolder?: string,
  ): Promise<Opened> =>
    options.childProcess
      ? startGatewayProcess({
          databaseUrl: options.databaseUrl,
          dataDir: options.dataDir,
          port,
          wirePort,
          latencyMs,
          stdio: options.childProcess.stdio,
        })
      : startGateway({
          databaseUrl: options.databaseUrl,
          dataDir: options.dataDir,
          port,
          wirePort,
          latencyMs,
          migrationsFolder,
        });

  let opened = await open(options.port, options.wirePort, options.latencyMs ?? 0, 'drizzle/migrations');
  let running = true;
  let latencyMs = opened.latencyMs;
  const port = Number(new URL(opened.url).port);
  // A restart serves the wire protocol on the port first picked (a Worker's binding names it).
  const wirePort =
    options.wirePort === undefined || !opened.wireUrl ? options.wirePort : Number(new URL(opened.wireUrl).port);
  const current: DatabaseGateway = {
    get url() {
      return opened.url;
    },
    get backend() {
      return opened.backend;
    },
    get wireUrl() {
      return opened.wireUrl;
    },
    get latencyMs() {
      return latencyMs;
    },
    async setLatency(ms) {
      latencyMs = checkLatencyMs(ms);
      if (running) await opened.setLatency(ms);
    },
  };
  return {
    current,
    get running() {
      return running;
    },
    async stop() {
      if (!running) return;
      running = false;
      await opened.close();
    },
    async start() {
      if (running) return;
      opened = await open(port, wirePort, latencyMs);
      running = true;
    },
  };
}
