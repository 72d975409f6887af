// The bench's outputs: a table for people and bench/results.json as the record of the run.
import { cpus, platform, release } from 'node:os';
import type { BundleSize } from './bundle.ts';
import type { StreamsSummary } from './concurrent-streams.ts';
import type { RelaySummary } from './relay.ts';
import { round } from './stats.ts';
import type { FloorSummary, TtftSummary } from './ttft.ts';

export const TARGETS = {
  ttftOverheadP50Ms: 5,
  ttftOverheadP99Ms: 25,
  relayThroughputRatio: 0.9,
  bundleGzipKb: 400,
} as const;

export type Measurements = {
  sequential: TtftSummary & { floor: FloorSummary };
  concurrent: TtftSummary;
  relay: RelaySummary;
  streams: StreamsSummary;
  bundle: BundleSize;
};

type Row = [metric: string, parley: string, baseline: string, delta: string, target: string, verdict: string];

const ms = (value: number) => `${value.toFixed(1)} ms`;
const verdict = (pass: boolean) => (pass ? 'pass' : 'MISS');

export function table(m: Measurements): string {
  const { sequential: s, concurrent: c, relay: r, streams, bundle } = m;
  const rows: Row[] = [
    ['metric', 'Parley', 'direct / baseline', 'overhead / ratio', 'target', 'result'],
    [`TTFT p50, ${s.samples} sequential`, ms(s.parleyP50), ms(s.directP50), `+${ms(s.overheadP50)}`, `≤ ${TARGETS.ttftOverheadP50Ms} ms`, verdict(s.overheadP50 <= TARGETS.ttftOverheadP50Ms)],
    [`TTFT p99, ${s.samples} sequential`, ms(s.parleyP99), ms(s.directP99), `+${ms(s.overheadP99)}`, `≤ ${TARGETS.ttftOverheadP99Ms} ms`, verdict(s.overheadP99 <= TARGETS.ttftOverheadP99Ms)],
    ['Worker floor p50 / p99 (404: no DB, no DO)', `${ms(s.floor.p50)} / ${ms(s.floor.p99)}`, '—', '—', '—', 'info'],
    [`TTFT p50, ${c.samples} concurrent`, ms(c.parleyP50), ms(c.directP50), `+${ms(c.overheadP50)}`, '—', 'info'],
    [`TTFT p99, ${c.samples} concurrent`, ms(c.parleyP99), ms(c.directP99), `+${ms(c.overheadP99)}`, '—', 'info'],
    [`relay ${r.tokens.toLocaleString('en')} tokens, median of ${r.runs}`, ms(r.parleyMs), ms(r.directMs), `× ${r.ratio.toFixed(2)}`, `≥ ${TARGETS.relayThroughputRatio}`, verdict(r.ratio >= TARGETS.relayThroughputRatio)],
    ['relay tokens/s', `${Math.round(r.parleyTokensPerSecond).toLocaleString('en')}/s`, `${Math.round(r.directTokensPerSecond).toLocaleString('en')}/s`, '', '', ''],
    [`${streams.total} concurrent streams intact`, `${streams.ok}/${streams.total}`, '—', '—', `${streams.total}/${streams.total}`, verdict(streams.ok === streams.total)],
    [`${streams.total} concurrent streams TTFT p99`, ms(streams.ttftP99), '—', '—', '—', 'info'],
    ['Worker bundle (gzip)', `${bundle.gzipKib.toFixed(1)} KiB`, `${bundle.totalKib.toFixed(1)} KiB raw`, '—', `≤ ${TARGETS.bundleGzipKb} KB`, verdict(bundle.gzipKib <= TARGETS.bundleGzipKb)],
  ];
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  const line = (row: Row) => row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join('  ');
  return [line(rows[0]!), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

export function results(m: Measurements, startedAt: Date, durationMs: number) {
  const { sequential: s, concurrent: c, relay: r, streams, bundle } = m;
  return {
    timestamp: startedAt.toISOString(),
    duration_s: round(durationMs / 1000, 1),
    machine: { cpus: cpus().length, cpu_model: cpus()[0]?.model ?? 'unknown', node: process.version, os: `${platform()} ${release()}` },
    method: {
      client: 'Node global fetch for both sides; time from issuing the request to reading the first / last token event',
      ttft_conversations: 'a fresh conversation per Parley send (created before timing), so history never grows',
      ttft_directive: '[[fake tokens=5 tps=0 ttft=0]]',
      baseline: 'POST {fake}/anthropic/v1/messages with the same model, max_tokens, message and stream: true as Parley sends',
      percentiles: 'nearest rank; overhead = Parley percentile − direct percentile',
      worker_floor: 'GET of an unknown /api path after each sequential pair: the cheapest Worker response under wrangler dev (its proxy, request log, routing), for scale',
      relay: `[[fake tokens=${r.requestedTokens} tps=0 ttft=0]]; the direct request carries the same max_tokens as Parley (MAX_REPLY_TOKENS)`,
      streams: '[[fake tokens=200 tps=100]] in each conversation, all sent at once',
    },
    ttft_overhead_ms_p50: round(s.overheadP50),
    ttft_overhead_ms_p99: round(s.overheadP99),
    ttft_samples_sequential: s.samples,
    ttft_parley_ms_p50: round(s.parleyP50),
    ttft_parley_ms_p99: round(s.parleyP99),
    ttft_direct_ms_p50: round(s.directP50),
    ttft_direct_ms_p99: round(s.directP99),
    worker_floor_ms_p50: round(s.floor.p50),
    worker_floor_ms_p99: round(s.floor.p99),
    ttft_samples_concurrent: c.samples,
    ttft_concurrent_overhead_ms_p50: round(c.overheadP50),
    ttft_concurrent_overhead_ms_p99: round(c.overheadP99),
    ttft_concurrent_parley_ms_p50: round(c.parleyP50),
    ttft_concurrent_parley_ms_p99: round(c.parleyP99),
    ttft_concurrent_direct_ms_p50: round(c.directP50),
    ttft_concurrent_direct_ms_p99: round(c.directP99),
    relay_throughput_ratio: round(r.ratio, 3),
    relay_tokens_requested: r.requestedTokens,
    relay_tokens: r.tokens,
    relay_parley_ms: round(r.parleyMs),
    relay_direct_ms: round(r.directMs),
    relay_parley_tokens_per_s: Math.round(r.parleyTokensPerSecond),
    relay_direct_tokens_per_s: Math.round(r.directTokensPerSecond),
    relay_parley_runs_ms: r.parleyRunsMs.map((v) => round(v)),
    relay_direct_runs_ms: r.directRunsMs.map((v) => round(v)),
    concurrent_streams_ok: streams.ok,
    concurrent_streams_total: streams.total,
    concurrent_streams_ttft_ms_p50: round(streams.ttftP50),
    concurrent_streams_ttft_ms_p99: round(streams.ttftP99),
    concurrent_streams_slowest_ms: round(streams.slowestMs),
    concurrent_streams_failures: streams.failures,
    worker_bundle_gzip_kb: bundle.gzipKib,
    worker_bundle_kb: bundle.totalKib,
    targets: {
      ttft_overhead_ms_p50: TARGETS.ttftOverheadP50Ms,
      ttft_overhead_ms_p99: TARGETS.ttftOverheadP99Ms,
      relay_throughput_ratio: TARGETS.relayThroughputRatio,
      concurrent_streams_ok: streams.total,
      worker_bundle_gzip_kb: TARGETS.bundleGzipKb,
    },
    pass: {
      ttft_overhead_ms_p50: s.overheadP50 <= TARGETS.ttftOverheadP50Ms,
      ttft_overhead_ms_p99: s.overheadP99 <= TARGETS.ttftOverheadP99Ms,
      relay_throughput_ratio: r.ratio >= TARGETS.relayThroughputRatio,
      concurrent_streams_ok: streams.ok === streams.total,
      worker_bundle_gzip_kb: bundle.gzipKib <= TARGETS.bundleGzipKb,
    },
  };
}
