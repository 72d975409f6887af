// `npm start`: the whole stack locally and offline. Starts the database gateway (PGlite under
// .data/ unless DATABASE_URL is set) with migrations applied, the fake vendor upstreams for any
// provider without an API key, builds the front end, and runs `wrangler dev` on :8787 with
// AUTH_MODE=dev. Ctrl-C, or any part dying, stops everything.
import { execFileSync } from 'node:child_process';
import { startGateway } from './db-gateway.ts';
import { startFakeUpstreams } from './fake-upstreams.ts';
import { readDevVars } from './lib/dev-vars.ts';
import { killGroup, spawnGroup, waitForOk, wranglerEnv } from './lib/processes.ts';

const PORT = Number(process.env.PORT ?? 8787);
const GATEWAY_PORT = Number(process.env.GATEWAY_PORT ?? 4444);
const FAKE_UPSTREAM_PORT = Number(process.env.FAKE_UPSTREAM_PORT ?? 8790);
const started = performance.now();

const userVars = { ...readDevVars('.dev.vars'), ...pick(process.env, ['DATABASE_URL', 'ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'GEMINI_API_KEY']) };

console.log('parley: building the front end…');
execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'frontend/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });

const databaseUrl = userVars.DATABASE_URL;
const [gateway, upstreams] = await Promise.all([
  startGateway({ databaseUrl, dataDir: '.data/pglite', port: GATEWAY_PORT, migrationsFolder: 'drizzle/migrations' }),
  startFakeUpstreams({ port: FAKE_UPSTREAM_PORT }),
]);

// Providers without a key answer through the fake upstreams with a labelled offline demo reply.
const vars: Record<string, string> = {
  AUTH_MODE: userVars.AUTH_MODE ?? 'dev',
  DATABASE_URL: databaseUrl ?? 'postgresql://parley@127.0.0.1/parley',
  DATABASE_HTTP_ENDPOINT: gateway.url,
};
const offline: string[] = [];
for (const [vendor, path] of [['ANTHROPIC', '/anthropic'], ['OPENAI', '/openai/v1'], ['GEMINI', '/gemini']] as const) {
  if (userVars[`${vendor}_API_KEY`]) continue;
  vars[`${vendor}_API_KEY`] = 'offline-demo';
  vars[`${vendor}_BASE_URL`] = `${upstreams.url}${path}`;
  offline.push(vendor.toLowerCase());
}

const wrangler = spawnGroup(process.execPath, [
  'node_modules/wrangler/bin/wrangler.js', 'dev',
  '--ip', '127.0.0.1', '--port', String(PORT),
  '--persist-to', '.data/wrangler',
  '--test-scheduled', '--show-interactive-dev-session=false',
  ...Object.entries(vars).flatMap(([key, value]) => ['--var', `${key}:${value}`]),
], { env: wranglerEnv() });

let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  killGroup(wrangler);
  await Promise.allSettled([gateway.close(), upstreams.close()]);
  process.exit(code);
}
// wrangler runs in its own process group, so it must be stopped explicitly even if this process crashes.
process.on('exit', () => killGroup(wrangler));
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
wrangler.on('exit', (code) => {
  if (!stopping) console.error(`parley: wrangler dev exited (${code ?? 'signal'}); stopping.`);
  void stop(code ?? 1);
});

const url = `http://127.0.0.1:${PORT}`;
if (!(await waitForOk(`${url}/api/health`, 60_000, () => !stopping))) {
  console.error('parley: the Worker did not become healthy within 60 s; stopping.');
  await stop(1);
}
console.log([
  '',
  `parley: ready in ${((performance.now() - started) / 1000).toFixed(1)} s → ${url}`,
  `  database   ${gateway.backend === 'pglite' ? 'PGlite in .data/pglite' : 'Postgres from DATABASE_URL'} via ${gateway.url}`,
  `  sign-in    AUTH_MODE=${vars.AUTH_MODE}${vars.AUTH_MODE === 'dev' ? ' (POST /api/dev/session {email})' : ''}`,
  `  models     ${offline.length ? `offline demo replies for ${offline.join(', ')} from ${upstreams.url}` : 'all providers use real API keys'}`,
  '  Ctrl-C stops everything; data stays in .data/ across restarts.',
  '',
].join('\n'));

function pick(source: NodeJS.ProcessEnv, keys: string[]) {
  return Object.fromEntries(keys.filter((key) => source[key]).map((key) => [key, source[key]!]));
}
