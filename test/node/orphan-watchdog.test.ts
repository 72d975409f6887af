// Issue 11: `npm start` killed hard (SIGKILL) must not leave wrangler or the gateway running. Every
// process group the stack spawns (scripts/lib/processes.ts spawnGroup) is registered with a
// watchdog that outlives its parent and stops the groups once the parent is gone.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const PROCESSES = resolve('scripts/lib/processes.ts');

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(check: () => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return check();
}

describe('a stack parent killed with SIGKILL', () => {
  const started: number[] = [];
  afterAll(() => {
    for (const pid of started) if (alive(pid)) process.kill(-pid, 'SIGKILL');
  });

  it('leaves no child group running: the watchdog stops them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'orphans-'));
    const parentScript = join(dir, 'parent.ts');
    // A stand-in for `npm start`: spawns two long-lived groups as the stack does, one of them a
    // shell with a grandchild (as wrangler runs workerd), reports their pids, then waits.
    await writeFile(
      parentScript,
      `
      import { spawnGroup } from ${JSON.stringify(PROCESSES)};
      const a = spawnGroup('sleep', ['300'], { stdio: 'ignore' });
      const b = spawnGroup('sh', ['-c', 'sleep 300 & echo $! ; wait'], { stdio: ['ignore', 'pipe', 'ignore'] });
      b.stdout.once('data', (grandchild) => console.log(JSON.stringify({ a: a.pid, b: b.pid, grandchild: Number(String(grandchild).trim()) })));
      setInterval(() => {}, 1000);
    `,
    );
    const parent = spawn(process.execPath, [parentScript], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [line] = (await once(parent.stdout!, 'data')) as [Buffer];
    const pids = JSON.parse(String(line)) as { a: number; b: number; grandchild: number };
    started.push(pids.a, pids.b);
    expect([pids.a, pids.b, pids.grandchild].every(alive)).toBe(true);

    parent.kill('SIGKILL');
    await once(parent, 'exit');
    expect(await until(() => ![pids.a, pids.b, pids.grandchild].some(alive), 8000)).toBe(true);
    await rm(dir, { recursive: true, force: true });
  });
});
