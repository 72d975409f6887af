// (h) The Limiter's decision: one reserve and its settle, timed inside the Worker (through the
// AUTH_MODE=dev probe, worker/bench/limiter-probe.ts): the latency per subject, and the
// throughput of many subjects at once.
import type { Parley } from './parley.ts';
import { percentile } from './stats.ts';

export type LimiterSummary = {
  subjects: number;
  rounds: number;
  samples: number;
  p50: number;
  p99: number;
  parallelDecisionsPerSecond: number;
};

export async function limiterDecisions(parley: Parley, subjects: number, rounds: number): Promise<LimiterSummary> {
  const res = await fetch(`${parley.url}/api/dev/limiter-probe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ subjects, rounds }),
  });
  if (!res.ok) throw new Error(`limiter probe: HTTP ${res.status} ${await res.text()}`);
  const { latencyMs, parallelDecisionsPerSecond } = (await res.json()) as {
    latencyMs: number[];
    parallelDecisionsPerSecond: number;
  };
  return {
    subjects,
    rounds,
    samples: latencyMs.length,
    p50: percentile(latencyMs, 50),
    p99: percentile(latencyMs, 99),
    parallelDecisionsPerSecond,
  };
}
