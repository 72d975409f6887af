// The database gateway as a child process (`node scripts/db-gateway.ts`), for the bench: PGlite
// runs synchronously on its thread, and in the measuring process it would stall the client's
// reads whenever the Worker writes behind, charging the database's work to the send it follows.
// A separate process is also what a real database is; stopping it is a real outage.
import { once } from 'node:events';
import type { ChildProcess, StdioOptions } from 'node:child_process';
import type { Gateway } from '../db-gateway.ts';
import type { FromGateway, ToGateway } from '../db-gateway/parent-channel.ts';
import { killGroup, spawnGroup, withIpc } from './processes.ts';

export type GatewayProcessOptions = {
  databaseUrl?: string;
  dataDir: string;
  /** 0 picks a free port. */
  port: number;
  latencyMs: number;
  /** See GatewayOptions.wirePort. */
  wirePort?: number;
  /** The child's stdout and stderr; inherited by default. */
  stdio?: StdioOptions;
};

export type GatewayProcess = Pick<Gateway, 'url' | 'backend' | 'wireUrl'> & {
  readonly latencyMs: number;
  /** Resolves once the gateway has applied it. */
  setLatency(ms: number): Promise<void>;
  close(): Promise<void>;
};

const START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 10_000;

export async function startGatewayProcess(options: GatewayProcessOptions): Promise<GatewayProcess> {
  const child = spawnGroup(process.execPath, ['scripts/db-gateway.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: options.databaseUrl ?? '', // never the shell's, unless asked for
      PARLEY_DATA_DIR: options.dataDir,
      GATEWAY_PORT: String(options.port),
      GATEWAY_LATENCY_MS: String(options.latencyMs),
      GATEWAY_WIRE_PORT: options.wirePort === undefined ? '' : String(options.wirePort),
    },
    stdio: withIpc(options.stdio ?? 'inherit'),
  });
  const killOnExit = () => killGroup(child);
  process.on('exit', killOnExit);
  const exited = once(child, 'exit').then(
    ([code]) => code as number | null,
    () => null,
  );
  void exited.then(() => process.off('exit', killOnExit));

  const ready = await Promise.race([
    next(child),
    exited.then(
      (code): FromGateway => ({ error: `the database gateway exited (${code ?? 'signal'}) before listening` }),
    ),
    new Promise<FromGateway>((resolve) =>
      setTimeout(resolve, START_TIMEOUT_MS, { error: 'the database gateway did not listen within 60 s' }).unref(),
    ),
  ]);
  if (!('ready' in ready)) {
    killGroup(child, 'SIGKILL');
    throw new Error(`database gateway: ${'error' in ready ? ready.error : 'unexpected message'}`);
  }
  let latencyMs = ready.ready.latencyMs;
  return {
    url: ready.ready.url,
    wireUrl: ready.ready.wireUrl,
    backend: ready.ready.backend,
    get latencyMs() {
      return latencyMs;
    },
    async setLatency(ms) {
      const answer = next(child);
      child.send({ setLatencyMs: ms } satisfies ToGateway);
      const reply = await Promise.race([
        answer,
        exited.then((): FromGateway => ({ error: 'the database gateway has exited' })),
      ]);
      if ('error' in reply) throw new RangeError(reply.error);
      if ('latencyMs' in reply) latencyMs = reply.latencyMs;
    },
    async close() {
      killGroup(child); // SIGTERM: the gateway closes PGlite, which flushes its directory
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

function next(child: ChildProcess): Promise<FromGateway> {
  return once(child, 'message').then(([message]) => message as FromGateway);
}
