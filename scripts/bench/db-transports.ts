// (j) The database round trip from the Worker on each transport, timed inside each Worker
// (POST /api/dev/db-probe, worker/bench/db-probe.ts): the stack's Worker on Neon's HTTP
// driver through the gateway, and a second Worker of the same stack on Hyperdrive in local mode to
// the same PGlite over the wire protocol. Then the chat's time to first token on the Hyperdrive
// Worker, so the chat figures are seen on either transport.
import type { BenchContext } from './context.ts';
import { percentile } from './stats.ts';
import { sequentialTtft, type FloorSummary, type TtftSummary } from './ttft.ts';

type Probe = { transport: string; perSample: number; freshMs: number[]; warmMs: number[] };

export type TransportSummary = {
  samples: number;
  perSample: number;
  freshP50: number;
  freshP99: number;
  warmP50: number;
};

export type DbTransportsSummary = {
  neonHttp: TransportSummary;
  hyperdrive: TransportSummary;
  hyperdriveTtft: TtftSummary & { floor: FloorSummary };
};

async function probe(url: string, samples: number, perSample: number, expected: string): Promise<TransportSummary> {
  const res = await fetch(`${url}/api/dev/db-probe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ samples, perSample }),
  });
  if (!res.ok) throw new Error(`db probe: HTTP ${res.status} ${await res.text()}`);
  const result = (await res.json()) as Probe;
  if (result.transport !== expected)
    throw new Error(`db probe: expected ${expected}, the Worker uses ${result.transport}`);
  return {
    samples,
    perSample,
    freshP50: percentile(result.freshMs, 50),
    freshP99: percentile(result.freshMs, 99),
    warmP50: percentile(result.warmMs, 50),
  };
}

export async function dbTransports(
  neonHttpUrl: string,
  hyperdriveCtx: BenchContext,
  options: { samples: number; perSample: number; ttftSends: number },
): Promise<DbTransportsSummary> {
  const neonHttp = await probe(neonHttpUrl, options.samples, options.perSample, 'neon-http');
  const hyperdrive = await probe(hyperdriveCtx.parley.url, options.samples, options.perSample, 'hyperdrive');
  const hyperdriveTtft = await sequentialTtft(hyperdriveCtx, options.ttftSends);
  return { neonHttp, hyperdrive, hyperdriveTtft };
}
