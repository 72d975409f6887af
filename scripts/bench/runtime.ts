// Which way the bench runs the Worker (BENCH_RUNTIME, default `direct`), and how to say so in
// results.json. See scripts/lib/worker-runtime.ts for the two.
import type { WorkerRuntimeKind } from '../lib/worker-runtime.ts';

const DESCRIPTIONS: Record<WorkerRuntimeKind, string> = {
  direct:
    "wrangler 4's programmatic dev environment (unstable_DevEnv, what unstable_startWorker runs): the same wrangler.toml, bundle, Durable Objects, queue, assets and bindings as wrangler dev, with the inspector off and file watching off; requests go to the Worker's own workerd socket, not through wrangler's dev proxy",
  'wrangler-dev': 'wrangler dev: every request passes its dev proxy (a second workerd), and its inspector is attached',
};

export function benchRuntime(value = process.env.BENCH_RUNTIME): { kind: WorkerRuntimeKind; how: string } {
  const kind = (value || 'direct') as WorkerRuntimeKind;
  if (!(kind in DESCRIPTIONS)) throw new Error(`BENCH_RUNTIME must be 'direct' or 'wrangler-dev', got '${value}'`);
  return { kind, how: DESCRIPTIONS[kind] };
}
