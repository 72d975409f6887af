// Local database gateway (dev and test only, never deployed): speaks Neon's HTTP SQL protocol so
// the Worker's real driver (`neonConfig.fetchEndpoint`) runs against PGlite or any Postgres.
// Run: `npm run db:gateway` (env DATABASE_URL, PARLEY_DATA_DIR, GATEWAY_PORT, GATEWAY_LATENCY_MS,
// GATEWAY_STATEMENT_TIMEOUT_MS, GATEWAY_WIRE_PORT).
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Backend } from './db-gateway/backend.ts';
import { createGatewayServer } from './db-gateway/http-server.ts';
import { checkLatencyMs, parseLatencyMs } from './db-gateway/latency.ts';
import { DEFAULT_STATEMENT_TIMEOUT_MS, parseStatementTimeoutMs } from './db-gateway/guard.ts';
import { serveParent } from './db-gateway/parent-channel.ts';
import { openPgliteBackend } from './db-gateway/pglite-backend.ts';
import { openPostgresBackend } from './db-gateway/postgres-backend.ts';
import { startWireServer, type WireServer } from './db-gateway/wire-server.ts';

export type GatewayOptions = {
  /** A Postgres URL; without it the gateway runs embedded PGlite. */
  databaseUrl?: string;
  /** PGlite data directory, relative to the working directory. */
  dataDir?: string;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** A Drizzle migrations folder to apply before listening. */
  migrationsFolder?: string;
  /** Every request is answered this many milliseconds late, as a distant database would be. Default 0. */
  latencyMs?: number;
  /**
   * On server Postgres, the sessions' statement_timeout: a statement running longer is cancelled
   * with 57014 (0: no limit). Default 30 s (GATEWAY_STATEMENT_TIMEOUT_MS). PGlite runs each
   * statement on the gateway's own thread and cannot interrupt it, so it has none: there, the
   * refused statements (db-gateway/guard.ts) are what keeps the gateway answering.
   */
  statementTimeoutMs?: number;
  /**
   * Also serve the database over the Postgres wire protocol, for a Worker's Hyperdrive binding in
   * local mode: on PGlite a wire server listens on this port (0 picks a free one); a server
   * Postgres is reached at its own URL. Unset: PGlite is served over HTTP only.
   */
  wirePort?: number;
};

export type Gateway = {
  url: string;
  backend: Backend['kind'];
  /** A Postgres URL for a Hyperdrive binding's local connection string (see `wirePort`). */
  wireUrl?: string;
  /** The delay added to every request now. */
  readonly latencyMs: number;
  /** Changes the delay for requests arriving from now on (a benchmark switches it within a run). */
  setLatency(ms: number): void;
  close(): Promise<void>;
};

export const DEFAULT_DATA_DIR = '.data/pglite';
export const DEFAULT_PORT = 4444;

export async function startGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const {
    databaseUrl,
    migrationsFolder,
    host = '127.0.0.1',
    statementTimeoutMs = DEFAULT_STATEMENT_TIMEOUT_MS,
  } = options;
  let latencyMs = checkLatencyMs(options.latencyMs ?? 0); // refused before a database is opened
  const backend = databaseUrl
    ? await openPostgresBackend(databaseUrl, migrationsFolder, statementTimeoutMs)
    : await openPgliteBackend(options.dataDir ?? DEFAULT_DATA_DIR, migrationsFolder);

  const server = createGatewayServer(backend.pool, host, () => latencyMs);
  let wire: WireServer | undefined;
  try {
    server.listen(options.port ?? DEFAULT_PORT, host);
    await once(server, 'listening');
    if (backend.pglite && options.wirePort !== undefined)
      wire = await startWireServer(backend.pglite, host, options.wirePort);
  } catch (error) {
    if (server.listening) await closeServer(server);
    await backend.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}/sql`,
    backend: backend.kind,
    wireUrl: wire?.url ?? databaseUrl,
    get latencyMs() {
      return latencyMs;
    },
    setLatency(ms) {
      latencyMs = checkLatencyMs(ms);
    },
    async close() {
      await Promise.all([closeServer(server), wire?.close()]);
      await backend.close();
    },
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeIdleConnections(); // keep-alive sockets would otherwise hold close() open
  });
}

/** A URL safe to print: the password replaced. */
export function redactPassword(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

async function main() {
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const dataDir = process.env.PARLEY_DATA_DIR || DEFAULT_DATA_DIR;
  const port = Number(process.env.GATEWAY_PORT || DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`GATEWAY_PORT must be a port number, got '${process.env.GATEWAY_PORT}'`);
  }
  const latencyMs = parseLatencyMs(process.env.GATEWAY_LATENCY_MS);
  const statementTimeoutMs = parseStatementTimeoutMs(process.env.GATEWAY_STATEMENT_TIMEOUT_MS);
  const migrationsFolder = existsSync('drizzle/migrations') ? 'drizzle/migrations' : undefined;

  const wirePort = process.env.GATEWAY_WIRE_PORT ? Number(process.env.GATEWAY_WIRE_PORT) : undefined;
  if (wirePort !== undefined && (!Number.isInteger(wirePort) || wirePort < 0 || wirePort > 65535)) {
    throw new Error(`GATEWAY_WIRE_PORT must be a port number, got '${process.env.GATEWAY_WIRE_PORT}'`);
  }
  const gateway = await startGateway({
    databaseUrl,
    dataDir,
    port,
    migrationsFolder,
    latencyMs,
    statementTimeoutMs,
    wirePort,
  });
  const where = databaseUrl ? redactPassword(databaseUrl) : dataDir;
  const delay = latencyMs ? `, every request delayed ${latencyMs} ms` : '';
  const wire = gateway.wireUrl && !databaseUrl ? `, wire protocol on ${gateway.wireUrl}` : '';
  console.log(`db gateway: ${gateway.backend} (${where}) on ${gateway.url}${wire}${delay}`);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    // Closing PGlite flushes its data directory; exiting without it can lose writes.
    gateway.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('db gateway: failed to close cleanly:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  serveParent(gateway, stop);
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    console.error(`db gateway: ${(error as Error)?.message ?? error}`);
    process.exit(1);
  });
}
