// `npm start`: the whole stack locally and offline. Starts the database gateway (PGlite under
// .data/ unless DATABASE_URL is set) with migrations applied, the fake vendor upstreams for any
// provider without an API key, builds the front end, and runs `wrangler dev` on :8787 with
// AUTH_MODE=dev. GATEWAY_LATENCY_MS=50 makes the database answer as if it were far away (HTTP
// transport). DATABASE_TRANSPORT=hyperdrive gives the Worker a Hyperdrive binding in local mode instead.
// Ctrl-C, or any part dying, stops everything.
import { execFileSync } from 'node:child_process';
import { redactPassword } from './db-gateway.ts';
import { parseLatencyMs } from './db-gateway/latency.ts';
import { readDevVars } from './lib/dev-vars.ts';
import { startStack } from './lib/stack.ts';

const PORT = Number(process.env.PORT ?? 8787);
const GATEWAY_PORT = Number(process.env.GATEWAY_PORT ?? 4444);
const FAKE_UPSTREAM_PORT = Number(process.env.FAKE_UPSTREAM_PORT ?? 8790);
const GATEWAY_LATENCY_MS = readLatency();
const DATABASE_TRANSPORT = readTransport();
const started = performance.now();

const VENDOR_KEYS = ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'GEMINI_API_KEY'];
// Keys may come from .dev.vars (wrangler reads it itself) or the shell (passed on explicitly).
const shellKeys = pick(process.env, VENDOR_KEYS);
const userVars = { ...readDevVars('.dev.vars'), ...pick(process.env, ['DATABASE_URL']), ...shellKeys };

console.log('parley: building the front end…');
execFileSync(
  process.execPath,
  ['node_modules/vite/bin/vite.js', 'build', '--config', 'frontend/vite.config.ts', '--logLevel', 'warn'],
  { stdio: 'inherit' },
);

// Providers without a key answer through the fake upstreams with a labelled offline demo reply.
const stack = await startStack({
  port: PORT,
  gatewayPort: GATEWAY_PORT,
  fakeUpstreamPort: FAKE_UPSTREAM_PORT,
  dataDir: '.data/pglite',
  persistTo: '.data/wrangler',
  stripeStateFile: '.data/fake-stripe.json',
  databaseUrl: userVars.DATABASE_URL,
  gatewayLatencyMs: GATEWAY_LATENCY_MS,
  databaseTransport: DATABASE_TRANSPORT,
  apiKeys: userVars,
  stripe: Object.fromEntries(Object.entries(userVars).filter(([name]) => name.startsWith('STRIPE_'))),
  vars: { AUTH_MODE: userVars.AUTH_MODE ?? 'dev', ...shellKeys },
});

let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  await stack.stop();
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
void stack.exited.then((code) => {
  if (!stopping) console.error(`parley: wrangler dev exited (${code ?? 'signal'}); stopping.`);
  void stop(code ?? 1);
});

if (!(await stack.ready(60_000))) {
  console.error('parley: the Worker did not become healthy within 60 s; stopping.');
  await stop(1);
}
console.log(
  [
    '',
    `parley: ready in ${((performance.now() - started) / 1000).toFixed(1)} s → ${stack.url}`,
    `  database   ${stack.gateway.backend === 'pglite' ? 'PGlite in .data/pglite' : 'Postgres from DATABASE_URL'} ${
      DATABASE_TRANSPORT === 'hyperdrive'
        ? `via Hyperdrive (local mode) to ${redactPassword(stack.gateway.wireUrl ?? '')}; scripts reach it at ${stack.gateway.url}`
        : `via Neon's HTTP driver and ${stack.gateway.url}${GATEWAY_LATENCY_MS ? `, every request delayed ${GATEWAY_LATENCY_MS} ms` : ''}`
    }`,
    `  sign-in    AUTH_MODE=${stack.vars.AUTH_MODE}${stack.vars.AUTH_MODE === 'dev' ? ' (POST /api/dev/session {email})' : ''}`,
    `  models     ${stack.offline.length ? `offline demo replies for ${stack.offline.join(', ')} from ${stack.upstreams.url}` : 'all providers use real API keys'}`,
    '  Ctrl-C stops everything; data stays in .data/ across restarts.',
    '',
  ].join('\n'),
);

// Checked before anything starts, so a typo does not cost a front-end build first.
function readLatency(): number {
  try {
    return parseLatencyMs(process.env.GATEWAY_LATENCY_MS);
  } catch (error) {
    console.error(`parley: ${(error as Error).message}`);
    process.exit(1);
  }
}

function readTransport(): 'neon-http' | 'hyperdrive' {
  const transport = process.env.DATABASE_TRANSPORT || 'neon-http';
  if (transport === 'neon-http' || transport === 'hyperdrive') return transport;
  console.error(`parley: DATABASE_TRANSPORT must be neon-http (the default) or hyperdrive, got '${transport}'`);
  process.exit(1);
}

function pick(source: NodeJS.ProcessEnv, keys: string[]) {
  return Object.fromEntries(keys.filter((key) => source[key]).map((key) => [key, source[key]!]));
}
