// Hourly roll-up of reply_timings into reply_timing_daily: per UTC day, model asked for and
// deployed version, how many replies, how they ended, how many a fallback answered, and the exact
// p50/p95/p99 of their time to first token (and p50/p95 of their total time). Percentiles do not
// add up, so each touched (day, model, version) is recomputed whole from its rows.
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';

/** As the usage roll-up's lookback (aggregate-usage.ts): ~26 runs see every row, and any one is enough. */
const LOOKBACK_HOURS = 26;

/**
 * Recomputes every (day, model, version) touched by a timing that landed within the lookback and
 * writes the figures (totals, never increments: a rerun writes nothing). `percentile_disc` picks
 * a real reply's time: the smallest at or above the fraction (a reply with no first token is left
 * out of the TTFT percentiles, not counted as zero). One statement.
 */
export async function aggregateTimings(db: Db, lookbackHours = LOOKBACK_HOURS): Promise<{ rowsUpserted: number }> {
  const { rows } = await db.execute<{ rows_upserted: number }>(sql`
    with touched as (
      select distinct (occurred_at at time zone 'UTC')::date as day, model, version
      from reply_timings
      where created_at >= now() - make_interval(hours => ${lookbackHours}::int)
    ),
    figures as (
      select t.day, t.model, t.version,
             count(*)::int as replies,
             (count(*) filter (where r.status = 'error'))::int as errors,
             (count(*) filter (where r.status = 'stopped'))::int as stopped,
             (count(*) filter (where r.answered_by <> r.model))::int as fallbacks,
             percentile_disc(0.5) within group (order by r.ttft_ms) as ttft_p50,
             percentile_disc(0.95) within group (order by r.ttft_ms) as ttft_p95,
             percentile_disc(0.99) within group (order by r.ttft_ms) as ttft_p99,
             percentile_disc(0.5) within group (order by r.duration_ms) as duration_p50,
             percentile_disc(0.95) within group (order by r.duration_ms) as duration_p95
      from touched t
      join reply_timings r on r.model = t.model and r.version = t.version
        and r.occurred_at >= t.day::timestamp at time zone 'UTC'
        and r.occurred_at < (t.day + 1)::timestamp at time zone 'UTC'
      group by t.day, t.model, t.version
    ),
    upserted as (
      insert into reply_timing_daily (day, model, version, replies, errors, stopped, fallbacks,
        ttft_p50, ttft_p95, ttft_p99, duration_p50, duration_p95, updated_at)
      select day, model, version, replies, errors, stopped, fallbacks,
        ttft_p50, ttft_p95, ttft_p99, duration_p50, duration_p95, now() from figures
      on conflict (day, model, version) do update set
        replies = excluded.replies, errors = excluded.errors, stopped = excluded.stopped,
        fallbacks = excluded.fallbacks, ttft_p50 = excluded.ttft_p50, ttft_p95 = excluded.ttft_p95,
        ttft_p99 = excluded.ttft_p99, duration_p50 = excluded.duration_p50,
        duration_p95 = excluded.duration_p95, updated_at = excluded.updated_at
      where (reply_timing_daily.replies, reply_timing_daily.errors, reply_timing_daily.stopped,
             reply_timing_daily.fallbacks, reply_timing_daily.ttft_p50, reply_timing_daily.ttft_p95,
             reply_timing_daily.ttft_p99, reply_timing_daily.duration_p50, reply_timing_daily.duration_p95)
        is distinct from (excluded.replies, excluded.errors, excluded.stopped, excluded.fallbacks,
             excluded.ttft_p50, excluded.ttft_p95, excluded.ttft_p99, excluded.duration_p50, excluded.duration_p95)
      returning 1
    )
    select (select count(*) from upserted)::int as rows_upserted
  `);
  return { rowsUpserted: Number(rows[0]?.rows_upserted ?? 0) };
}
