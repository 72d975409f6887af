// Stops the process groups a parent started (wrangler, the gateway) once that parent is gone,
// however it went: a SIGKILL runs none of the parent's exit handlers, and wrangler would be left
// holding its port. The parent holds this process's stdin open and writes `+<pgid>` / `-<pgid>`
// lines as its groups start and end; the kernel closes the pipe when the parent dies, whatever
// killed it, and then every group still listed gets SIGTERM, and SIGKILL 5 s later.
const GRACE_MS = 5000;
const groups = new Set<number>();
let pending = '';

process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  pending += chunk;
  const lines = pending.split('\n');
  pending = lines.pop() ?? '';
  for (const line of lines) {
    const pgid = Number(line.slice(1));
    if (!Number.isInteger(pgid) || pgid <= 1) continue;
    if (line.startsWith('+')) groups.add(pgid);
    else if (line.startsWith('-')) groups.delete(pgid);
  }
});
process.stdin.on('end', reap);
process.stdin.on('error', reap);
// A Ctrl-C in the terminal is the parent's to handle (it stops its groups itself).
process.on('SIGINT', () => {});

let reaping = false;
function reap() {
  if (reaping) return;
  reaping = true;
  signal('SIGTERM');
  const deadline = Date.now() + GRACE_MS;
  const poll = setInterval(() => {
    for (const pgid of groups) if (!alive(pgid)) groups.delete(pgid);
    if (groups.size === 0 || Date.now() >= deadline) {
      signal('SIGKILL');
      clearInterval(poll);
      process.exit(0);
    }
  }, 100);
}

function signal(name: NodeJS.Signals) {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, name);
    } catch {
      groups.delete(pgid); // already gone
    }
  }
}

function alive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
