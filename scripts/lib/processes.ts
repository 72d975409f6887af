import { spawn, type ChildProcess, type SpawnOptions, type StdioOptions } from 'node:child_process';

/** Environment for every wrangler run: no telemetry, no network look-ups, config kept in the project. */
export const wranglerEnv = (extra: Record<string, string> = {}) => ({
  ...process.env,
  WRANGLER_SEND_METRICS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  XDG_CONFIG_HOME: `${process.cwd()}/.wrangler/config`,
  ...extra,
});

/** Spawns a child in its own process group (setsid), so stopping it stops everything it started. */
export function spawnGroup(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  return spawn(command, args, { stdio: 'inherit', ...options, detached: true });
}

/** The same stdio plus an IPC channel, for children that report to their parent. */
export function withIpc(stdio: StdioOptions): StdioOptions {
  const streams = typeof stdio === 'string' ? [stdio, stdio, stdio] : stdio.slice(0, 3);
  return [...streams, 'ipc'];
}

export function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Polls `url` until it answers 200 or the deadline passes. */
export async function waitForOk(url: string, timeoutMs: number, isAlive: () => boolean = () => true) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && isAlive()) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return true;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  return false;
}
