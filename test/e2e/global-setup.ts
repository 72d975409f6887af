// The browser tests' stack, started once for the e2e project the way `npm start` runs it
// (scripts/lib/stack.ts), on free ports and throwaway state so it never meets the other suites or
// a developer's .data/: the database gateway on a fresh PGlite (in a child process), the fake
// vendor upstreams (every vendor offline), the fake Supabase Auth, and two Workers sharing them,
// each with its own Durable Object state: AUTH_MODE=dev, and AUTH_MODE=supabase verifying the
// fake's tokens through its JWKS. They serve a snapshot of the built front end (frontend-snapshot.ts).
// Their output goes to dev.log (with the gateway's) and supabase.log in the temporary folder, whose
// path a failure to start prints; E2E_KEEP=1 keeps that folder after the run.
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startFakeSupabaseAuth, type FakeSupabaseAuth } from '../../scripts/fake-supabase-auth.ts';
import { freePort } from '../../scripts/lib/ports.ts';
import { startStack, type Stack } from '../../scripts/lib/stack.ts';
import { snapshotFrontend } from './frontend-snapshot.ts';

const READY_TIMEOUT_MS = 120_000;

export default async function setup(project: TestProject) {
  const started = performance.now();
  const tmp = await mkdtemp(join(tmpdir(), 'parley-e2e-'));
  const assetsDirectory = join(tmp, 'frontend');
  await snapshotFrontend(assetsDirectory);
  const logs = { dev: join(tmp, 'dev.log'), supabase: join(tmp, 'supabase.log') };
  const devLog = openSync(logs.dev, 'w');
  const supabaseLog = openSync(logs.supabase, 'w');
  // An empty env file keeps a developer's .dev.vars (real keys, a JWT secret) out of the tests.
  const envFile = join(tmp, 'empty.env');
  writeFileSync(envFile, '');
  await Promise.all([mkdir(join(tmp, 'wrangler-dev')), mkdir(join(tmp, 'wrangler-supabase'))]);

  let auth: FakeSupabaseAuth | undefined;
  let stack: Stack | undefined;
  const stopAll = async () => {
    await Promise.allSettled([stack?.stop(), auth?.close()]);
    closeSync(devLog);
    closeSync(supabaseLog);
  };
  try {
    auth = await startFakeSupabaseAuth();
    stack = await startStack({
      port: await freePort(),
      gatewayPort: 0,
      fakeUpstreamPort: 0,
      runtime: 'direct',
      dataDir: join(tmp, 'pglite'),
      persistTo: join(tmp, 'wrangler-dev'),
      assetsDirectory,
      apiKeys: {},
      // OPS_EMAIL is an operator (test/e2e/ops.test.ts).
      vars: { AUTH_MODE: 'dev', OPERATOR_EMAILS: 'ops@e2e.example' },
      // A model that reads no images nor PDFs (as an OpenAI-compatible server's are taken to): test/e2e/files.test.ts.
      compatModels: ['llama-test'],
      envFiles: [envFile],
      stdio: ['ignore', devLog, devLog],
      gatewayChildProcess: { stdio: ['ignore', devLog, devLog] },
    });
    // No SUPABASE_JWT_SECRET: the Worker accepts only tokens its JWKS verifies, as a new Supabase project does.
    const supabase = await stack.addWorker({
      port: await freePort(),
      persistTo: join(tmp, 'wrangler-supabase'),
      stdio: ['ignore', supabaseLog, supabaseLog],
      vars: {
        AUTH_MODE: 'supabase',
        SUPABASE_URL: auth.url,
        SUPABASE_PUBLISHABLE_KEY: auth.publishableKey,
        SUPABASE_JWT_SECRET: '',
      },
    });
    const ready = await Promise.all([stack.ready(READY_TIMEOUT_MS), supabase.ready(READY_TIMEOUT_MS)]);
    if (!ready.every(Boolean))
      throw new Error(`the Workers did not become healthy within ${READY_TIMEOUT_MS / 1000} s`);

    project.provide('e2eDevUrl', stack.url);
    project.provide('e2eSupabaseUrl', supabase.url);
    project.provide('e2eAuthUrl', auth.url);
    project.provide('e2eAuthPublishableKey', auth.publishableKey);
    project.provide('e2eUpstreamUrl', stack.upstreams.url);
    project.provide('e2eGatewayUrl', stack.gateway.url);
    project.provide('e2eLogs', logs);
    console.log(
      `e2e: stack up in ${((performance.now() - started) / 1000).toFixed(1)} s (dev ${stack.url}, supabase ${supabase.url}, auth ${auth.url}); logs in ${tmp}`,
    );
  } catch (error) {
    await stopAll();
    const tails = Object.values(logs).map(
      (path) =>
        `--- ${path} (last lines; the folder is kept) ---\n${readFileSync(path, 'utf8').split('\n').slice(-30).join('\n')}`,
    );
    throw new Error(`e2e: the stack did not start: ${(error as Error).message}\n${tails.join('\n')}`, { cause: error });
  }

  return async () => {
    await stopAll();
    if (!process.env.E2E_KEEP) await rm(tmp, { recursive: true, force: true });
  };
}
