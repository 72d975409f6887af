// One bench phase on a stack of its own, started as `npm run bench` starts it (the bench Worker,
// a fresh PGlite and wrangler state, dev auth, no vendor keys): what `npm run bench:search` and
// `npm run bench:images` share. The stack's output goes to a log in a temporary folder, removed
// after the phase; with `keepOnFailure`, a failure is printed with where the log is kept, and the
// process exits 1, instead of being thrown.
import { closeSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchRuntime } from './runtime.ts';
import { freePort } from '../lib/ports.ts';
import { startStack, type Stack } from '../lib/stack.ts';

export async function onPhaseStack(
  name: string,
  phase: (stack: Stack) => Promise<void>,
  { keepOnFailure = false } = {},
): Promise<void> {
  const tmp = await mkdtemp(join(tmpdir(), `parley-bench-${name}-`));
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
    await phase(stack);
  } catch (error) {
    if (!keepOnFailure) throw error;
    keep = true;
    process.exitCode = 1;
    console.error(`bench:${name} failed: ${(error as Error)?.stack ?? error}\nthe stack's output is kept in ${tmp}`);
  } finally {
    await stack?.stop();
    closeSync(log);
    if (!keep) await rm(tmp, { recursive: true, force: true });
  }
}
