// The run as a table for people, from the same figures as bench/results.json: printed as text at
// the end of a run, and written as Markdown into docs/benchmarks.md (scripts/bench/markdown.ts).
import { describeTarget } from './targets.ts';
import type { Results } from './results.ts';

export type Row = [metric: string, parley: string, baseline: string, delta: string, target: string, verdict: string];

const ms = (value: number) => `${value.toFixed(1)} ms`;
const signed = (value: number) => `${value >= 0 ? '+' : '−'}${ms(Math.abs(value))}`;
const perSecond = (value: number) => `${value.toLocaleString('en')}/s`;

/** The header row, then one row a figure; `verdict` is `pass`, `MISS` (a target missed) or `info`. */
export function rows(r: Results): Row[] {
  const judged = (key: keyof Results['pass'] & string, unit = ''): [string, string] => [
    describeTarget(key, r, unit),
    r.pass[key] ? 'pass' : 'MISS',
  ];
  const info: [string, string] = ['—', 'info'];
  return [
    ['metric', 'Parley', 'direct / baseline', 'overhead / delta', 'target', 'result'],
    [
      'floor p50 / p99 (404: no DO, database or vendor)',
      `${ms(r.floor_ms_p50)} / ${ms(r.floor_ms_p99)}`,
      '—',
      '—',
      ...info,
    ],
    [
      `TTFT p50, ${r.ttft_samples_sequential} sequential`,
      ms(r.ttft_parley_ms_p50),
      ms(r.ttft_direct_ms_p50),
      signed(r.ttft_overhead_ms_p50),
      ...info,
    ],
    ["Parley's own cost p50 (overhead − floor)", ms(r.ttft_own_ms_p50), '—', '—', ...judged('ttft_own_ms_p50', ' ms')],
    [
      `TTFT p99, ${r.ttft_samples_sequential} sequential`,
      ms(r.ttft_parley_ms_p99),
      ms(r.ttft_direct_ms_p99),
      signed(r.ttft_overhead_ms_p99),
      ...judged('ttft_overhead_ms_p99', ' ms'),
    ],
    [
      `TTFT p50, ${r.ttft_samples_concurrent} concurrent`,
      ms(r.ttft_concurrent_parley_ms_p50),
      ms(r.ttft_concurrent_direct_ms_p50),
      signed(r.ttft_concurrent_overhead_ms_p50),
      ...judged('ttft_concurrent_overhead_ms_p50', ' ms'),
    ],
    [
      `TTFT p99, ${r.ttft_samples_concurrent} concurrent`,
      ms(r.ttft_concurrent_parley_ms_p99),
      ms(r.ttft_concurrent_direct_ms_p99),
      signed(r.ttft_concurrent_overhead_ms_p99),
      ...info,
    ],
    // Taken since issue 24; a results file from before has no such figures.
    ...(r.ttft_image_samples
      ? [
          [
            `TTFT p50, an image message vs a text message (${r.ttft_image_samples} each)`,
            ms(r.ttft_image_ms_p50),
            ms(r.ttft_image_text_ms_p50),
            signed(r.ttft_image_delta_ms_p50),
            ...info,
          ] satisfies Row,
          [
            `TTFT p99, an image message vs a text message (${Math.round(r.ttft_image_bytes / 1000)} KB PNG)`,
            ms(r.ttft_image_ms_p99),
            ms(r.ttft_image_text_ms_p99),
            signed(r.ttft_image_ms_p99 - r.ttft_image_text_ms_p99),
            ...info,
          ] satisfies Row,
        ]
      : []),
    [
      '/v1 floor p50 / p99 (the same 404, in the /v1 loop)',
      `${ms(r.v1_floor_ms_p50)} / ${ms(r.v1_floor_ms_p99)}`,
      '—',
      '—',
      ...info,
    ],
    [
      `/v1 TTFT p50, ${r.v1_samples} sequential (API key, limits on)`,
      ms(r.v1_ttft_parley_ms_p50),
      ms(r.v1_ttft_direct_ms_p50),
      signed(r.v1_ttft_overhead_ms_p50),
      ...info,
    ],
    [
      "/v1 Parley's own cost p50 (overhead − floor)",
      ms(r.v1_ttft_own_ms_p50),
      '—',
      '—',
      ...judged('v1_ttft_own_ms_p50', ' ms'),
    ],
    [
      '/v1 TTFT p50 with a tool offered (tool_choice none)',
      ms(r.v1_tools_ttft_parley_ms_p50),
      ms(r.v1_tools_ttft_direct_ms_p50),
      signed(r.v1_tools_ttft_overhead_ms_p50),
      ...info,
    ],
    [
      "/v1 with a tool offered: Parley's own cost p50",
      ms(r.v1_tools_ttft_own_ms_p50),
      '—',
      '—',
      ...judged('v1_tools_ttft_own_ms_p50', ' ms'),
    ],
    [
      `/v1 TTFT p99, ${r.v1_samples} sequential`,
      ms(r.v1_ttft_parley_ms_p99),
      ms(r.v1_ttft_direct_ms_p99),
      signed(r.v1_ttft_overhead_ms_p99),
      ...judged('v1_ttft_overhead_ms_p99', ' ms'),
    ],
    [
      '/v1 completion p50, not streamed (to the end)',
      ms(r.v1_total_parley_ms_p50),
      ms(r.v1_total_direct_ms_p50),
      signed(r.v1_total_overhead_ms_p50),
      ...info,
    ],
    [
      "/v1 not streamed: Parley's own cost p50 (overhead − floor)",
      ms(r.v1_total_own_ms_p50),
      '—',
      '—',
      ...judged('v1_total_own_ms_p50', ' ms'),
    ],
    [
      '/v1 completion p99, not streamed (to the end)',
      ms(r.v1_total_parley_ms_p99),
      ms(r.v1_total_direct_ms_p99),
      signed(r.v1_total_overhead_ms_p99),
      ...info,
    ],
    [
      `TTFT p50, database ${r.ttft_db_far_latency_ms} ms away vs 0 ms (${r.ttft_db_far_samples} each)`,
      ms(r.ttft_db_far_ms_p50),
      ms(r.ttft_db_near_ms_p50),
      signed(r.ttft_db_far_delta_ms_p50),
      ...judged('ttft_db_far_delta_ms_p50', ' ms'),
    ],
    [
      `TTFT p99, database ${r.ttft_db_far_latency_ms} ms away vs 0 ms`,
      ms(r.ttft_db_far_ms_p99),
      ms(r.ttft_db_near_ms_p99),
      signed(r.ttft_db_far_delta_ms_p99),
      ...info,
    ],
    [
      'list shows a create / a send, p50',
      `${ms(r.list_lag_after_create_ms_p50)} / ${ms(r.list_lag_after_send_ms_p50)}`,
      '—',
      '—',
      ...info,
    ],
    [
      'list shows a create / a send, p99',
      `${ms(r.list_lag_after_create_ms_p99)} / ${ms(r.list_lag_after_send_ms_p99)}`,
      '—',
      '—',
      ...info,
    ],
    [
      `Limiter decision p50 / p99 (reserve + settle, ${r.limiter_decision_samples} subjects)`,
      `${r.limiter_decision_ms_p50.toFixed(2)} / ${r.limiter_decision_ms_p99.toFixed(2)} ms`,
      '—',
      '—',
      ...judged('limiter_decision_ms_p50', ' ms'),
    ],
    [
      `database round trip from the Worker, fresh handle p50 (hyperdrive vs neon-http, ${r.db_roundtrip_samples} samples)`,
      ms(r.db_roundtrip_ms_p50_hyperdrive),
      ms(r.db_roundtrip_ms_p50_neon_http),
      signed(r.db_roundtrip_ms_p50_hyperdrive - r.db_roundtrip_ms_p50_neon_http),
      ...info,
    ],
    [
      '… a second query on the same handle, p50',
      ms(r.db_roundtrip_warm_ms_p50_hyperdrive),
      ms(r.db_roundtrip_warm_ms_p50_neon_http),
      signed(r.db_roundtrip_warm_ms_p50_hyperdrive - r.db_roundtrip_warm_ms_p50_neon_http),
      ...info,
    ],
    [
      `Hyperdrive Worker: Parley's own cost p50 (${r.ttft_samples_hyperdrive} sequential)`,
      ms(r.ttft_own_ms_p50_hyperdrive),
      '—',
      '—',
      ...judged('ttft_own_ms_p50_hyperdrive', ' ms'),
    ],
    [
      'Hyperdrive Worker: TTFT overhead p99',
      '—',
      '—',
      signed(r.ttft_overhead_ms_p99_hyperdrive),
      ...judged('ttft_overhead_ms_p99_hyperdrive', ' ms'),
    ],
    [
      'Limiter decisions a second, all subjects at once',
      perSecond(r.limiter_parallel_decisions_per_s),
      '—',
      '—',
      ...info,
    ],
    [
      `relay of ${r.relay_tokens.toLocaleString('en')} tokens, median of ${r.relay_parley_runs_ms.length}`,
      perSecond(r.relay_parley_tokens_per_s),
      perSecond(r.relay_direct_tokens_per_s),
      `× ${r.relay_throughput_ratio.toFixed(2)}`,
      ...judged('relay_parley_tokens_per_s'),
    ],
    [
      `${r.concurrent_streams_total} concurrent streams intact`,
      `${r.concurrent_streams_ok}/${r.concurrent_streams_total}`,
      '—',
      '—',
      ...judged('concurrent_streams_ok'),
    ],
    [
      `${r.concurrent_streams_total} concurrent streams TTFT p99`,
      ms(r.concurrent_streams_ttft_ms_p99),
      '—',
      '—',
      ...info,
    ],
    [
      'sends with the database down, streamed to done',
      `${r.db_down_sends_ok}/${r.db_down_sends_total}`,
      '—',
      '—',
      ...judged('db_down_sends_ok'),
    ],
    [
      '… and in Postgres once it is back',
      `${r.db_down_sends_persisted}/${r.db_down_sends_total}`,
      '—',
      r.db_down_persisted_after_ms === null ? '—' : `after ${(r.db_down_persisted_after_ms / 1000).toFixed(1)} s`,
      ...judged('db_down_sends_persisted'),
    ],
    [
      `search p95, ${r.search_conversations.toLocaleString('en')} conversations (${r.search_samples} searches)`,
      ms(r.search_ms_p95),
      '—',
      '—',
      ...judged('search_ms_p95', ' ms'),
    ],
    ['search p50 / p99', `${ms(r.search_ms_p50)} / ${ms(r.search_ms_p99)}`, '—', '—', ...info],
    [
      'Worker bundle (gzip)',
      `${r.worker_bundle_gzip_kb.toFixed(1)} KiB`,
      `${r.worker_bundle_kb.toFixed(1)} KiB raw`,
      '—',
      ...judged('worker_bundle_gzip_kb', ' KiB'),
    ],
  ];
}

/** The rows as aligned text, for the terminal. */
export function table(r: Results): string {
  const all = rows(r);
  const widths = all[0]!.map((_, col) => Math.max(...all.map((row) => row[col]!.length)));
  const line = (row: Row) =>
    row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join('  ');
  return [line(all[0]!), widths.map((w) => '─'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n');
}
