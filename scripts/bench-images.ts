// `npm run bench:images`: only the bench's image phase (scripts/bench/image-ttft.ts), on a stack of
// its own started as `npm run bench` starts it, for checking a change to attachments without the
// whole bench. Prints the figures; writes nothing (`npm run bench` records them in bench/results.json).
import { closeSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchContext } from './bench/context.ts';
import { imageTtft } from './bench/image-ttft.ts';
import { signIn } from './bench/parley.ts';
import { liftLimits } from './bench/postgres.ts';
import { benchRuntime } from './bench/runtime.ts';
import { connectV1 } from './bench/v1.ts';
import { warmUp } from './bench/warmup.ts';
import { freePort } from './lib/ports.ts';
import { startStack, type Stack } from './lib/stack.ts';

const SENDS = Number(process.env.BENCH_IMAGE_SENDS) || 100;

const tmp = await mkdtemp(join(tmpdir(), 'parley-bench-images-'));
const log = openSync(join(tmp, 'stack.log'), 'w');
let stack: Stack | undefined;
let keep = false;
try {
  const envFile = join(tmp, 'empty.env');
  await writeFile(envFile, '');
  await mkdir(join(tmp, 'wrangler'));
  stack = await startStack({
    port: await freePort(),
    gatewayPort: 0,
    fakeUpstreamPort: 0,
    dataDir: join(tmp, 'pglite'),
    persistTo: join(tmp, 'wrangler'),
    runtime: benchRuntime().kind,
    main: 'worker/bench/entry.ts',
    apiKeys: {},
    vars: { AUTH_MODE: 'dev' },
    envFiles: [envFile],
    stdio: ['ignore', log, log],
    gatewayChildProcess: { stdio: ['ignore', log, log] },
  });
  if (!(await stack.ready(90_000))) throw new Error(`the Worker did not become healthy; see ${tmp}/stack.log`);
  const parley = await signIn(stack.url, 'bench@parley.example');
  await liftLimits(stack.gateway.url, parley.userId);
  const ctx: BenchContext = { parley, v1: await connectV1({ parley }), fakeUrl: stack.upstreams.url };
  await warmUp(ctx);
  console.log(`${SENDS} image sends and ${SENDS} text sends, alternating…`);
  const s = await imageTtft(ctx, SENDS);
  console.log(
    `TTFT image p50 ${s.imageP50.toFixed(1)} ms, p99 ${s.imageP99.toFixed(1)} ms; text p50 ${s.textP50.toFixed(1)} ms, p99 ${s.textP99.toFixed(1)} ms; delta p50 ${s.deltaP50.toFixed(1)} ms (a ${s.imageBytes}-byte PNG)`,
  );
} catch (error) {
  keep = true;
  process.exitCode = 1;
  console.error(`bench:images failed: ${(error as Error)?.stack ?? error}\nthe stack's output is kept in ${tmp}`);
} finally {
  await stack?.stop();
  closeSync(log);
  if (!keep) await rm(tmp, { recursive: true, force: true });
}
