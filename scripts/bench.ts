// `npm run bench`: Parley's relay overhead measured against the fake upstream it relays, in one
// run on this machine. Starts its own stack (free ports, a throwaway PGlite and wrangler state,
// never .data/; the Worker run as BENCH_RUNTIME says, default `direct`: see scripts/bench/runtime.ts),
// warms it up, then measures (a) time to first token, sequential (with the runtime's floor) and
// concurrent, (l) an image message's beside a text message's, (i) the same through the OpenAI-compatible /v1 API with an API key, streamed and
// not, (e) the same with the database far away, (b) relay throughput of a long reply, (c) many
// concurrent streams, (f) sends while the database is down and their write-behind, (k) search over
// 10,000 conversations (scripts/bench/search.ts; `npm run bench:search` runs it alone), and (d) the
// Worker's gzip bundle size. Prints a table, writes bench/results.json, and rewrites the table in
// docs/benchmarks.md from it (scripts/bench/markdown.ts). Misses are
// reported, not fatal; the exit code is non-zero only when the stack cannot start or a phase breaks.
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { workerBundleSize } from './bench/bundle.ts';
import { concurrentStreams } from './bench/concurrent-streams.ts';
import type { BenchContext } from './bench/context.ts';
import { sendsWhileDatabaseDown } from './bench/db-down.ts';
import { dbFarDelta } from './bench/db-far.ts';
import { dbTransports } from './bench/db-transports.ts';
import { imageTtft } from './bench/image-ttft.ts';
import { signIn } from './bench/parley.ts';
import { limiterDecisions } from './bench/limiter.ts';
import { writeBenchTable } from './bench/markdown.ts';
import { listLag } from './bench/list-lag.ts';
import { connectV1, sequentialV1 } from './bench/v1.ts';
import { liftLimits } from './bench/postgres.ts';
import { relayThroughput } from './bench/relay.ts';
import { SEARCH } from './bench/search-settings.ts';
import { searchLatency } from './bench/search.ts';
import { results, type Measurements } from './bench/results.ts';
import { benchRuntime } from './bench/runtime.ts';
import { table } from './bench/table.ts';
import { concurrentTtft, sequentialTtft } from './bench/ttft.ts';
import { warmUp } from './bench/warmup.ts';
import { freePort } from './lib/ports.ts';
import { startStack, type Stack } from './lib/stack.ts';

const RESULTS_FILE = 'bench/results.json';
const SEQUENTIAL_SENDS = 200;
const CONCURRENT_SENDS = 50;
const IMAGE_SENDS = 100;
const V1_ROUNDS = 200;
const DB_FAR = { latencyMs: 50, conversations: 10, sendsPerConversation: 6 };
const RELAY_RUNS = 3;
const CONCURRENT_STREAMS = 200;
const DB_DOWN = { conversations: 5, sendsPerConversation: 2, persistDeadlineMs: 60_000 };
const QUEUE_DRAIN_MS = 4000;
const LIST_LAG_SAMPLES = 30;
const LIMITER_PROBE = { subjects: 50, rounds: 20 };
const DB_TRANSPORTS = { samples: 30, perSample: 10, ttftSends: 100 };

const startedAt = new Date();
const clock = performance.now();
const progress = (line: string) =>
  console.log(`bench [${((performance.now() - clock) / 1000).toFixed(0).padStart(3)} s] ${line}`);

const runtime = benchRuntime();
const tmp = await mkdtemp(join(tmpdir(), 'parley-bench-'));
// The Worker's and the database gateway's output; open for the whole run (the gateway restarts).
const stackLog = join(tmp, 'stack.log');
const log = openSync(stackLog, 'w');
let stack: Stack | undefined;
let keepTmp = false;
let stopping = false;

let cleaning: Promise<void> | undefined;
/** Stops the stack and removes the temporary state; once, whoever asks first (a signal, or the end). */
function cleanUp() {
  return (cleaning ??= (async () => {
    stopping = true;
    await stack?.stop();
    closeSync(log);
    if (!keepTmp) await rm(tmp, { recursive: true, force: true });
  })());
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    console.error(`\nbench: ${signal}, stopping the stack…`);
    void cleanUp().finally(() => process.exit(130));
  });
}

try {
  if (!existsSync('frontend/dist/index.html')) {
    progress('building the front end (the Worker serves it as assets)…');
    execFileSync(
      process.execPath,
      ['node_modules/vite/bin/vite.js', 'build', '--config', 'frontend/vite.config.ts', '--logLevel', 'warn'],
      { stdio: 'inherit' },
    );
  }

  progress(`starting the stack: PGlite gateway, fake upstreams, the Worker (${runtime.kind}; fresh temporary state)…`);
  // An empty env file keeps a developer's .dev.vars (real keys, other settings) out of the measurement.
  const envFile = join(tmp, 'empty.env');
  writeFileSync(envFile, '');
  await mkdir(join(tmp, 'wrangler'));
  stack = await startStack({
    port: await freePort(),
    gatewayPort: 0,
    fakeUpstreamPort: 0,
    dataDir: join(tmp, 'pglite'),
    persistTo: join(tmp, 'wrangler'),
    runtime: runtime.kind,
    // The production Worker plus the probes that time the Limiter and the database from inside it.
    main: 'worker/bench/entry.ts',
    apiKeys: {},
    vars: { AUTH_MODE: 'dev' },
    envFiles: [envFile],
    stdio: ['ignore', log, log],
    // PGlite's synchronous work must not run on this process's event loop, where it would stall the client's reads.
    gatewayChildProcess: { stdio: ['ignore', log, log] },
  });
  if (!(await stack.ready(90_000))) {
    keepTmp = true;
    throw new Error(`the Worker did not become healthy within 90 s; its output is in ${stackLog}`);
  }
  void stack.exited.then((code) => {
    if (!stopping)
      console.error(`bench: the Worker's process exited (${code ?? 'signal'}) during the run; see ${stackLog}`);
  });
  progress(`stack up at ${stack.url}; fakes at ${stack.upstreams.url}`);

  const parley = await signIn(stack.url, 'bench@parley.example');
  await liftLimits(stack.gateway.url, parley.userId);
  const v1 = await connectV1({ parley });
  const ctx: BenchContext = { parley, v1, fakeUrl: stack.upstreams.url };
  progress('warming up (5 sends each way, chat and /v1)…');
  await warmUp(ctx);

  progress(
    `(a) time to first token: ${SEQUENTIAL_SENDS} sequential sends each way, each pair followed by a floor request…`,
  );
  const sequential = await sequentialTtft(ctx, SEQUENTIAL_SENDS);
  progress(
    `    Parley p50 ${sequential.parleyP50.toFixed(1)} ms, p99 ${sequential.parleyP99.toFixed(1)} ms; direct p50 ${sequential.directP50.toFixed(1)} ms, p99 ${sequential.directP99.toFixed(1)} ms; floor p50 ${sequential.floor.p50.toFixed(1)} ms`,
  );
  progress(`(a) time to first token: ${CONCURRENT_SENDS} concurrent sends each way…`);
  const concurrent = await concurrentTtft(ctx, CONCURRENT_SENDS);
  progress(
    `    Parley p50 ${concurrent.parleyP50.toFixed(1)} ms, p99 ${concurrent.parleyP99.toFixed(1)} ms; direct p50 ${concurrent.directP50.toFixed(1)} ms, p99 ${concurrent.directP99.toFixed(1)} ms`,
  );

  progress(
    `(l) an image message's time to first token: ${IMAGE_SENDS} image sends and ${IMAGE_SENDS} text sends, alternating…`,
  );
  const images = await imageTtft(ctx, IMAGE_SENDS);
  progress(
    `    image p50 ${images.imageP50.toFixed(1)} ms, p99 ${images.imageP99.toFixed(1)} ms; text p50 ${images.textP50.toFixed(1)} ms, p99 ${images.textP99.toFixed(1)} ms (${images.imageBytes} bytes)`,
  );

  progress(
    `(i) /v1/chat/completions with an API key: ${V1_ROUNDS} rounds of a streamed and a non-streamed completion each way, each round followed by a floor request…`,
  );
  const v1Summary = await sequentialV1(ctx, V1_ROUNDS);
  progress(
    `    TTFT Parley p50 ${v1Summary.ttft.parleyP50.toFixed(1)} ms, p99 ${v1Summary.ttft.parleyP99.toFixed(1)} ms; direct p50 ${v1Summary.ttft.directP50.toFixed(1)} ms, p99 ${v1Summary.ttft.directP99.toFixed(1)} ms; floor p50 ${v1Summary.floor.p50.toFixed(1)} ms`,
  );
  progress(
    `    not streamed: Parley p50 ${v1Summary.total.parleyP50.toFixed(1)} ms, p99 ${v1Summary.total.parleyP99.toFixed(1)} ms; direct p50 ${v1Summary.total.directP50.toFixed(1)} ms, p99 ${v1Summary.total.directP99.toFixed(1)} ms`,
  );

  progress(
    `(e) database ${DB_FAR.latencyMs} ms away vs 0 ms: ${DB_FAR.conversations} warm conversations each, ${DB_FAR.sendsPerConversation} timed sends in each…`,
  );
  const { gateway } = stack;
  const dbFar = await dbFarDelta(ctx, (ms) => gateway.setLatency(ms), DB_FAR);
  progress(
    `    p50 ${dbFar.farP50.toFixed(1)} ms vs ${dbFar.nearP50.toFixed(1)} ms (delta ${dbFar.deltaP50.toFixed(1)} ms); ${dbFar.busyRetries} busy retries`,
  );

  progress(
    `(g) list lag: ${LIST_LAG_SAMPLES} creates and sends, each followed by polling the list until it shows them…`,
  );
  const lists = await listLag(ctx.parley, LIST_LAG_SAMPLES);
  progress(
    `    after a create p50 ${lists.afterCreateP50.toFixed(1)} ms, p99 ${lists.afterCreateP99.toFixed(1)} ms; after a send p50 ${lists.afterSendP50.toFixed(1)} ms, p99 ${lists.afterSendP99.toFixed(1)} ms`,
  );

  progress(
    `(h) the Limiter's decision: a reserve and its settle, ${LIMITER_PROBE.subjects} subjects at once, ${LIMITER_PROBE.rounds} rounds, timed inside the Worker…`,
  );
  const limiter = await limiterDecisions(ctx.parley, LIMITER_PROBE.subjects, LIMITER_PROBE.rounds);
  progress(`    p50 ${limiter.p50.toFixed(2)} ms, p99 ${limiter.p99.toFixed(2)} ms`);

  progress(
    `(j) database round trip timed inside the Worker, ${DB_TRANSPORTS.samples}×${DB_TRANSPORTS.perSample} each on Neon's HTTP driver and on Hyperdrive (a second Worker, local mode, the same PGlite over the wire protocol); then ${DB_TRANSPORTS.ttftSends} sequential sends on the Hyperdrive Worker…`,
  );
  await mkdir(join(tmp, 'wrangler-hyperdrive'));
  const hyperdriveWorker = await stack.addWorker({
    port: await freePort(),
    persistTo: join(tmp, 'wrangler-hyperdrive'),
    runtime: runtime.kind,
    envFiles: [envFile],
    stdio: ['ignore', log, log],
    databaseTransport: 'hyperdrive',
  });
  if (!(await hyperdriveWorker.ready(90_000)))
    throw new Error(`the Hyperdrive Worker did not become healthy; see ${stackLog}`);
  const hyperdriveParley = await signIn(hyperdriveWorker.url, 'bench-hyperdrive@parley.example');
  await liftLimits(stack.gateway.url, hyperdriveParley.userId);
  const hyperdriveCtx: BenchContext = { ...ctx, parley: hyperdriveParley };
  await warmUp(hyperdriveCtx);
  const transports = await dbTransports(stack.url, hyperdriveCtx, DB_TRANSPORTS);
  await hyperdriveWorker.stop();
  progress(
    `    select 1 on a fresh handle p50: neon-http ${transports.neonHttp.freshP50.toFixed(2)} ms, hyperdrive ${transports.hyperdrive.freshP50.toFixed(2)} ms (warm ${transports.neonHttp.warmP50.toFixed(2)} / ${transports.hyperdrive.warmP50.toFixed(2)} ms); TTFT on Hyperdrive p50 ${transports.hyperdriveTtft.parleyP50.toFixed(1)} ms`,
  );

  progress(`(b) relay throughput: a 20,000-token reply, ${RELAY_RUNS} runs each way…`);
  const relay = await relayThroughput(ctx, RELAY_RUNS);
  progress(
    `    ${relay.tokens} tokens: Parley ${relay.parleyMs.toFixed(0)} ms, direct ${relay.directMs.toFixed(0)} ms (${Math.round(relay.parleyTokensPerSecond)} tokens/s)`,
  );

  progress(`(c) ${CONCURRENT_STREAMS} concurrent streams through Parley…`);
  const streams = await concurrentStreams(ctx, CONCURRENT_STREAMS);
  progress(
    `    ${streams.ok}/${streams.total} intact, TTFT p99 ${streams.ttftP99.toFixed(0)} ms${streams.failures.length ? `; failures: ${streams.failures.join(' | ')}` : ''}`,
  );

  progress(
    `(f) database down: ${DB_DOWN.conversations * DB_DOWN.sendsPerConversation} sends with the gateway stopped, then Postgres polled for up to ${DB_DOWN.persistDeadlineMs / 1000} s once it is back…`,
  );
  const dbDown = {
    ...(await sendsWhileDatabaseDown(ctx, stack, DB_DOWN)),
    persistDeadlineMs: DB_DOWN.persistDeadlineMs,
  };
  progress(
    `    ${dbDown.streamed}/${dbDown.total} streamed to done, ${dbDown.persisted}/${dbDown.total} in Postgres${dbDown.failures.length ? `; ${dbDown.failures.join(' | ').slice(0, 400)}` : ''}`,
  );

  progress(
    `(k) search: ${SEARCH.conversations.toLocaleString('en')} conversations written into Postgres for the bench user, then ${SEARCH.samples} searches through GET /api/search…`,
  );
  const search = await searchLatency(ctx.parley, stack.gateway.url, SEARCH);
  progress(
    `    p50 ${search.p50.toFixed(1)} ms, p95 ${search.p95.toFixed(1)} ms, p99 ${search.p99.toFixed(1)} ms (seeded in ${(search.seedMs / 1000).toFixed(1)} s)`,
  );

  // The usage queue delivers in batches (max_batch_timeout 3 s); stopping mid-batch cuts a database request.
  progress('letting the usage queue drain, then stopping the stack…');
  await delay(QUEUE_DRAIN_MS);
  stopping = true;
  await stack.stop();

  progress('(d) Worker bundle: wrangler deploy --dry-run…');
  const bundle = await workerBundleSize(join(tmp, 'dist'));
  progress(`    ${bundle.totalKib} KiB, gzip ${bundle.gzipKib} KiB`);

  const measurements: Measurements = {
    runtime,
    sequential,
    concurrent,
    images,
    v1: v1Summary,
    dbFar,
    lists,
    limiter,
    transports,
    relay,
    streams,
    dbDown,
    search,
    bundle,
  };
  const record = results(measurements, startedAt, performance.now() - clock);
  await writeFile(RESULTS_FILE, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`\n${table(record)}\n`);
  console.log(`bench: ${RESULTS_FILE} written (runtime: ${runtime.kind}).`);
  await writeBenchTable();
  console.log('bench: docs/benchmarks.md shows this run (its table is written from bench/results.json).');
} catch (error) {
  process.exitCode = 1;
  keepTmp = true;
  console.error(`bench: failed: ${(error as Error)?.stack ?? error}`);
  console.error(`bench: the Worker's and the gateway's output and the temporary state are kept in ${tmp}`);
} finally {
  await cleanUp();
}
