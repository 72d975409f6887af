import { spawn, type ChildProcess, type SpawnOptions, type StdioOptions } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

/** Environment for every wrangler run: no telemetry, no network look-ups, config kept in the project. */
export const wranglerEnv = (extra: Record<string, string> = {}) => ({
  ...process.env,
  WRANGLER_SEND_METRICS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  XDG_CONFIG_HOME: `${process.cwd()}/.wrangler/config`,
  ...extra,
});

/**
 * Spawns a child in its own process group (setsid), so stopping it stops everything it started.
 * The group is also registered with this process's watchdog (orphan-watchdog.ts), which stops it
 * should this process die without stopping it, even by SIGKILL.
 */
export function spawnGroup(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  const child = spawn(command, args, { stdio: 'inherit', ...options, detached: true });
  const pid = child.pid;
  if (pid !== undefined) {
    tellWatchdog(`+${pid}`);
    child.once('exit', () => tellWatchdog(`-${pid}`));
  }
  return child;
}

let watchdog: ChildProcess | undefined;

function tellWatchdog(line: string) {
  if (!watchdog || watchdog.exitCode !== null || watchdog.signalCode !== null || !watchdog.stdin?.writable) {
    watchdog = spawn(process.execPath, [fileURLToPath(new URL('./orphan-watchdog.ts', import.meta.url))], {
      detached: true,
      stdio: ['pipe', 'ignore', 'inherit'],
    });
    watchdog.on('error', () => undefined);
    watchdog.stdin?.on('error', () => undefined);
    // Neither the watchdog nor its pipe keeps this process alive.
    watchdog.unref();
    (watchdog.stdin as Socket | null)?.unref();
  }
  watchdog.stdin?.write(`${line}\n`);
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
