// `npm run bench:search`: only the bench's search phase (scripts/bench/search.ts), on a stack of its
// own started as `npm run bench` starts it, for checking a change to search without the whole
// bench. Prints the figures; writes nothing (`npm run bench` records them in bench/results.json).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { closeSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signIn } from './bench/parley.ts';
import { benchRuntime } from './bench/runtime.ts';
import { SEARCH } from './bench/search-settings.ts';
import { searchLatency } from './bench/search.ts';
import { freePort } from './lib/ports.ts';
import { startStack, type Stack } from './lib/stack.ts';

const tmp = await mkdtemp(join(tmpdir(), 'parley-bench-search-'));
const log = openSync(join(tmp, 'stack.log'), 'w');
let stack: Stack | undefined;
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
  console.log(`seeding ${SEARCH.conversations.toLocaleString('en')} conversations, then ${SEARCH.samples} searches…`);
  const s = await searchLatency(parley, stack.gateway.url, SEARCH);
  console.log(
    `search over ${s.conversations.toLocaleString('en')} conversations (${s.messages.toLocaleString('en')} messages, seeded in ${(s.seedMs / 1000).toFixed(1)} s): p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms; ${s.meanResults.toFixed(1)} results a query`,
  );
  console.log(`slowest queries (p50): ${s.slowest.map((q) => `${q.query} ${q.p50.toFixed(1)} ms`).join(', ')}`);
} finally {
  await stack?.stop();
  closeSync(log);
  await rm(tmp, { recursive: true, force: true });
}
