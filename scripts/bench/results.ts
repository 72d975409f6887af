// bench/results.json: every figure of the run under a flat key, how each was taken, and the
// targets with pass/fail (scripts/bench/targets.ts). The table is printed from this same object.
import { cpus, platform, release } from 'node:os';
import type { BundleSize } from './bundle.ts';
import type { StreamsSummary } from './concurrent-streams.ts';
import type { DbDownSummary } from './db-down.ts';
import type { DbFarSummary } from './db-far.ts';
import type { DbTransportsSummary } from './db-transports.ts';
import type { ImageTtftSummary } from './image-ttft.ts';
import type { ListLagSummary } from './list-lag.ts';
import type { LimiterSummary } from './limiter.ts';
import type { RelaySummary } from './relay.ts';
import type { SearchSummary } from './search.ts';
import { round } from './stats.ts';
import { meets, TARGETS, targetValue } from './targets.ts';
import type { FloorSummary, TtftSummary } from './ttft.ts';
import type { V1Summary } from './v1.ts';
import { V1_MODEL } from './v1-api.ts';
import { WHOLE_MAX_TOKENS } from './direct.ts';

export type Measurements = {
  runtime: { kind: string; how: string };
  sequential: TtftSummary & { floor: FloorSummary };
  concurrent: TtftSummary;
  images: ImageTtftSummary;
  v1: V1Summary;
  dbFar: DbFarSummary;
  lists: ListLagSummary;
  limiter: LimiterSummary;
  transports: DbTransportsSummary;
  relay: RelaySummary;
  streams: StreamsSummary;
  dbDown: DbDownSummary & { persistDeadlineMs: number };
  search: SearchSummary;
  bundle: BundleSize;
};

export type Results = ReturnType<typeof results>;

export function results(m: Measurements, startedAt: Date, durationMs: number) {
  const figures = measuredFigures(m);
  const keys = Object.keys(TARGETS);
  return {
    timestamp: startedAt.toISOString(),
    duration_s: round(durationMs / 1000, 1),
    machine: {
      cpus: cpus().length,
      cpu_model: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      os: `${platform()} ${release()}`,
    },
    method: method(m),
    ...figures,
    targets: Object.fromEntries(keys.map((key) => [key, targetValue(TARGETS[key]!, figures)])),
    target_kinds: Object.fromEntries(keys.map((key) => [key, TARGETS[key]!.at === 'most' ? 'at most' : 'at least'])),
    pass: Object.fromEntries(keys.map((key) => [key, meets(key, figures)])),
  };
}

function measuredFigures({
  sequential: s,
  concurrent: c,
  images,
  v1,
  dbFar: far,
  lists,
  limiter,
  transports: t,
  relay: r,
  streams,
  dbDown: down,
  search,
  bundle,
}: Measurements) {
  return {
    ttft_own_ms_p50: round(s.overheadP50 - s.floor.p50),
    ttft_overhead_ms_p50: round(s.overheadP50),
    ttft_overhead_ms_p99: round(s.overheadP99),
    ttft_samples_sequential: s.samples,
    ttft_parley_ms_p50: round(s.parleyP50),
    ttft_parley_ms_p99: round(s.parleyP99),
    ttft_direct_ms_p50: round(s.directP50),
    ttft_direct_ms_p99: round(s.directP99),
    floor_ms_p50: round(s.floor.p50),
    floor_ms_p99: round(s.floor.p99),
    // The names of earlier runs, kept so old and new results compare key for key.
    worker_floor_ms_p50: round(s.floor.p50),
    worker_floor_ms_p99: round(s.floor.p99),
    ttft_samples_concurrent: c.samples,
    ttft_concurrent_overhead_ms_p50: round(c.overheadP50),
    ttft_concurrent_overhead_ms_p99: round(c.overheadP99),
    ttft_concurrent_parley_ms_p50: round(c.parleyP50),
    ttft_concurrent_parley_ms_p99: round(c.parleyP99),
    ttft_concurrent_direct_ms_p50: round(c.directP50),
    ttft_concurrent_direct_ms_p99: round(c.directP99),
    ttft_image_samples: images.samples,
    ttft_image_bytes: images.imageBytes,
    ttft_image_ms_p50: round(images.imageP50),
    ttft_image_ms_p99: round(images.imageP99),
    ttft_image_text_ms_p50: round(images.textP50),
    ttft_image_text_ms_p99: round(images.textP99),
    ttft_image_delta_ms_p50: round(images.deltaP50),
    v1_ttft_own_ms_p50: round(v1.ttft.overheadP50 - v1.floor.p50),
    v1_ttft_overhead_ms_p50: round(v1.ttft.overheadP50),
    v1_tools_ttft_own_ms_p50: round(v1.tools.overheadP50 - v1.floor.p50),
    v1_tools_ttft_overhead_ms_p50: round(v1.tools.overheadP50),
    v1_tools_ttft_parley_ms_p50: round(v1.tools.parleyP50),
    v1_tools_ttft_direct_ms_p50: round(v1.tools.directP50),
    v1_ttft_overhead_ms_p99: round(v1.ttft.overheadP99),
    v1_samples: v1.ttft.samples,
    v1_ttft_parley_ms_p50: round(v1.ttft.parleyP50),
    v1_ttft_parley_ms_p99: round(v1.ttft.parleyP99),
    v1_ttft_direct_ms_p50: round(v1.ttft.directP50),
    v1_ttft_direct_ms_p99: round(v1.ttft.directP99),
    v1_total_own_ms_p50: round(v1.total.overheadP50 - v1.floor.p50),
    v1_total_overhead_ms_p50: round(v1.total.overheadP50),
    v1_total_overhead_ms_p99: round(v1.total.overheadP99),
    v1_total_parley_ms_p50: round(v1.total.parleyP50),
    v1_total_parley_ms_p99: round(v1.total.parleyP99),
    v1_total_direct_ms_p50: round(v1.total.directP50),
    v1_total_direct_ms_p99: round(v1.total.directP99),
    v1_floor_ms_p50: round(v1.floor.p50),
    v1_floor_ms_p99: round(v1.floor.p99),
    ttft_db_far_delta_ms_p50: round(far.deltaP50),
    ttft_db_far_delta_ms_p99: round(far.deltaP99),
    ttft_db_far_latency_ms: far.latencyMs,
    ttft_db_far_samples: far.samples,
    ttft_db_near_ms_p50: round(far.nearP50),
    ttft_db_near_ms_p99: round(far.nearP99),
    ttft_db_far_ms_p50: round(far.farP50),
    ttft_db_far_ms_p99: round(far.farP99),
    ttft_db_far_busy_retries: far.busyRetries,
    list_lag_samples: lists.samples,
    list_lag_after_create_ms_p50: round(lists.afterCreateP50),
    list_lag_after_create_ms_p99: round(lists.afterCreateP99),
    list_lag_after_send_ms_p50: round(lists.afterSendP50),
    list_lag_after_send_ms_p99: round(lists.afterSendP99),
    limiter_decision_ms_p50: round(limiter.p50, 3),
    limiter_decision_ms_p99: round(limiter.p99, 3),
    limiter_decision_samples: limiter.samples,
    limiter_parallel_decisions_per_s: Math.round(limiter.parallelDecisionsPerSecond),
    db_roundtrip_ms_p50_neon_http: round(t.neonHttp.freshP50, 2),
    db_roundtrip_ms_p50_hyperdrive: round(t.hyperdrive.freshP50, 2),
    db_roundtrip_ms_p99_neon_http: round(t.neonHttp.freshP99, 2),
    db_roundtrip_ms_p99_hyperdrive: round(t.hyperdrive.freshP99, 2),
    db_roundtrip_warm_ms_p50_neon_http: round(t.neonHttp.warmP50, 2),
    db_roundtrip_warm_ms_p50_hyperdrive: round(t.hyperdrive.warmP50, 2),
    db_roundtrip_samples: t.neonHttp.samples,
    ttft_own_ms_p50_hyperdrive: round(t.hyperdriveTtft.overheadP50 - t.hyperdriveTtft.floor.p50),
    ttft_overhead_ms_p99_hyperdrive: round(t.hyperdriveTtft.overheadP99),
    ttft_samples_hyperdrive: t.hyperdriveTtft.samples,
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
    db_down_sends_ok: down.streamed,
    db_down_sends_total: down.total,
    db_down_sends_persisted: down.persisted,
    db_down_persisted_after_ms: down.persistedAfterMs === undefined ? null : round(down.persistedAfterMs, 0),
    db_down_for_ms: round(down.downForMs, 0),
    db_down_failures: down.failures,
    search_conversations: search.conversations,
    search_messages: search.messages,
    search_samples: search.samples,
    search_ms_p50: round(search.p50),
    search_ms_p95: round(search.p95),
    search_ms_p99: round(search.p99),
    search_mean_results: round(search.meanResults, 1),
    search_slowest_queries: search.slowest.map((q) => ({ query: q.query, p50_ms: round(q.p50) })),
    search_seed_s: round(search.seedMs / 1000, 1),
    worker_bundle_gzip_kb: bundle.gzipKib,
    worker_bundle_kb: bundle.totalKib,
  };
}

function method({ runtime, v1, dbFar: far, transports: t, relay: r, dbDown: down, images }: Measurements) {
  return {
    runtime: runtime.kind,
    runtime_how: runtime.how,
    client: 'Node global fetch for both sides; time from issuing the request to reading the first / last token event',
    ttft_conversations: 'a fresh conversation per Parley send (created before timing), so history never grows',
    ttft_directive: '[[fake tokens=5 tps=0 ttft=0]]',
    baseline:
      'POST {fake}/anthropic/v1/messages with the same model, max_tokens, message and stream: true as Parley sends',
    percentiles: 'nearest rank; overhead = Parley percentile − direct percentile',
    floor:
      'GET of an unknown /api path (404) after each sequential pair, on the same server in the same run: touches no Durable Object, database or vendor',
    own: 'ttft_own_ms_p50 = ttft_overhead_ms_p50 − floor_ms_p50: what Parley adds beyond the cheapest response the runtime gives',
    ttft_image: `a ${images.imageBytes}-byte PNG (random pixels, 256×256) uploaded once through POST /api/files before timing; then ${images.samples} pairs one after another, each a text send and an image send (the same ttft_directive, attachments: [its id]) alternating which goes first, each in a fresh conversation: the room reads the image from R2 and sends it to the vendor as a base64 image part; delta = image p50 − text p50`,
    v1: `POST /v1/chat/completions with the bench user's API key (made once through POST /api/keys; verified and its quota reserved in one Limiter call, limits checked, with the plan lifted as for every phase, the key's own rate-limit bucket included), model ${V1_MODEL} and, streamed, no max_tokens (so Parley asks the vendor for MAX_REPLY_TOKENS, as the baseline does; not streamed, max_tokens ${WHOLE_MAX_TOKENS} on both sides), the ttft_directive in the one user message; ${v1.ttft.samples} rounds one after another, each: a streamed pair, a non-streamed pair (each pair alternating which side goes first, as in ttft), then the floor request`,
    v1_ttft:
      'streamed (stream: true, stream_options.include_usage) read to [DONE]: time to the first data: chunk whose delta carries content, against the baseline request (stream: true) to its first content_block_delta',
    v1_own: 'v1_ttft_own_ms_p50 = v1_ttft_overhead_ms_p50 − v1_floor_ms_p50 (the floor measured in the same loop)',
    v1_tools:
      "each round also a streamed pair offering one function (get_weather, JSON Schema parameters) with tool_choice none, in each API's shape, so the reply is the same text: v1_tools_ttft_own_ms_p50 = its overhead p50 − v1_floor_ms_p50",
    v1_total:
      'not streamed: request issued to the end of the chat.completion body, against the same Anthropic request with stream: false (the fake answers one Messages JSON) to the end of its body; Parley asks the vendor for the reply unstreamed too. v1_total_own_ms_p50 = v1_total_overhead_ms_p50 − v1_floor_ms_p50',
    db_far: `sequential sends with the gateway delaying every database request ${far.latencyMs} ms, interleaved with the same sends at 0 ms; warm conversations (one untimed send each, then several timed); delta = far p50 − near p50; 409 reply_in_progress refusals retried untimed`,
    db_down: `gateway stopped; ${down.total} sends (conversations made during the outage); ok = streamed to done; gateway restarted on the same port and data; persisted = reply in Postgres messages (status complete, content as streamed) with the user's message, polled for ${down.persistDeadlineMs / 1000} s`,
    limiter:
      "POST /api/dev/limiter-probe: per subject (its own Limiter, seeded first, untimed), the mean of 20 back-to-back reserve+settle pairs timed inside the Worker (workerd's clock moves in whole ms at each I/O); subjects one after another for the latency percentiles, then all at once for decisions per second",
    db_roundtrip: `POST /api/dev/db-probe on each Worker: ${t.neonHttp.samples} samples, each the mean of ${t.neonHttp.perSample} back-to-back \`select 1\` on a fresh handle (what a request's first query pays; over Hyperdrive it opens the connection) timed inside the Worker; warm = a second query on each handle. neon-http reaches PGlite through the gateway (HTTP); hyperdrive is a second Worker of the same stack with a Hyperdrive binding in local mode to the same PGlite over the wire protocol (in production Hyperdrive's pool sits near the database, so this measures the driver, not the network)`,
    ttft_hyperdrive:
      'the ttft sequential phase (same directive, floor and baseline) against the Hyperdrive Worker: ttft_own_ms_p50_hyperdrive = its overhead p50 − its floor p50',
    list_lag:
      "from a create's 201 or a send's last event until GET /api/conversations?limit=1 shows that conversation first, polled back to back",
    relay: `[[fake tokens=${r.requestedTokens} tps=0 ttft=0]]; the direct request carries the same max_tokens as Parley (MAX_REPLY_TOKENS)`,
    streams: '[[fake tokens=200 tps=100]] in each conversation, all sent at once',
    search:
      "the bench user's conversations written straight into Postgres through the gateway (4 messages each, text from a fixed vocabulary with Zipf-distributed word frequencies, so a query word is in nearly every message or in a handful), then GET /api/search one after another over a mix of queries (words of each frequency, two words, a quoted phrase, part of a title's word), after 10 untimed; time from issuing the request to the end of the JSON body",
  };
}
