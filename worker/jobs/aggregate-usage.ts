// Hourly roll-up of usage_events into usage_daily (per user, UTC day and model).
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';

// Every event is seen by the ~26 hourly runs after it lands, and any one of them succeeding is
// enough. The margin over one hour also covers an event whose transaction began (stamping its
// created_at) before a run and committed after that run had read the table.
const AGGREGATE_LOOKBACK_HOURS = 26;

export type AggregateUsageResult = {
  rowsUpserted: number;
  daysCovered: number;
  firstDay: string | null;
  lastDay: string | null;
};

/**
 * Recomputes, from usage_events, every (user, day) touched by an event that landed within the
 * lookback, late events for long-closed days included, and writes totals (never increments): a
 * rerun finds the same totals and writes nothing. One statement, so one snapshot and one
 * transaction; run with the service role.
 */
export async function aggregateUsage(db: Db, lookbackHours = AGGREGATE_LOOKBACK_HOURS): Promise<AggregateUsageResult> {
  const { rows } = await db.execute<{
    rows_upserted: number;
    days_covered: number;
    first_day: string | null;
    last_day: string | null;
  }>(sql`
    with touched as (
      select distinct user_id, (occurred_at at time zone 'UTC')::date as day
      from usage_events
      where created_at >= now() - make_interval(hours => ${lookbackHours}::int)
    ),
    totals as (
      -- A range on occurred_at per (user, day) so the (user_id, occurred_at) index answers it.
      select e.user_id, t.day, e.model,
             count(*)::int as requests,
             sum(e.input_tokens)::bigint as input_tokens,
             sum(e.output_tokens)::bigint as output_tokens,
             sum(e.cost_usd) as cost_usd
      from touched t
      join usage_events e on e.user_id = t.user_id
        and e.occurred_at >= t.day::timestamp at time zone 'UTC'
        and e.occurred_at < (t.day + 1)::timestamp at time zone 'UTC'
      group by e.user_id, t.day, e.model
    ),
    upserted as (
      insert into usage_daily (user_id, day, model, requests, input_tokens, output_tokens, cost_usd, updated_at)
      select user_id, day, model, requests, input_tokens, output_tokens, cost_usd, now() from totals
      on conflict (user_id, day, model) do update set
        requests = excluded.requests,
        input_tokens = excluded.input_tokens,
        output_tokens = excluded.output_tokens,
        cost_usd = excluded.cost_usd,
        updated_at = excluded.updated_at
      -- Unchanged totals are left alone, so updated_at says when the numbers last moved.
      where (usage_daily.requests, usage_daily.input_tokens, usage_daily.output_tokens, usage_daily.cost_usd)
        is distinct from (excluded.requests, excluded.input_tokens, excluded.output_tokens, excluded.cost_usd)
      returning 1
    )
    select
      (select count(*) from upserted)::int as rows_upserted,
      (select count(distinct day) from touched)::int as days_covered,
      (select min(day)::text from touched) as first_day,
      (select max(day)::text from touched) as last_day
  `);
  const summary = rows[0];
  return {
    rowsUpserted: Number(summary?.rows_upserted ?? 0),
    daysCovered: Number(summary?.days_covered ?? 0),
    firstDay: summary?.first_day ?? null,
    lastDay: summary?.last_day ?? null,
  };
}

const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

/**
 * Widget traffic, as the roll-up above but per site: recomputes from visitors' usage events
 * (subject `<site id>:<visitor id>`) every (site, day) touched within the lookback, writing
 * totals (requests, distinct visitors, tokens, cost), so a rerun writes nothing. One statement.
 */
export async function aggregateSiteUsage(
  db: Db,
  lookbackHours = AGGREGATE_LOOKBACK_HOURS,
): Promise<{ rowsUpserted: number }> {
  const { rows } = await db.execute<{ rows_upserted: number }>(sql`
    with touched as (
      select distinct split_part(subject_id, ':', 1) as site_id, (occurred_at at time zone 'UTC')::date as day
      from usage_events
      where created_at >= now() - make_interval(hours => ${lookbackHours}::int)
        and subject_type = 'visitor' and split_part(subject_id, ':', 1) ~ ${UUID_PATTERN}
    ),
    totals as (
      select t.site_id::uuid as site_id, t.day,
             count(*)::int as requests,
             count(distinct e.subject_id)::int as visitors,
             sum(e.input_tokens)::bigint as input_tokens,
             sum(e.output_tokens)::bigint as output_tokens,
             sum(e.cost_usd) as cost_usd
      from touched t
      join usage_events e on e.subject_type = 'visitor' and split_part(e.subject_id, ':', 1) = t.site_id
        and e.occurred_at >= t.day::timestamp at time zone 'UTC'
        and e.occurred_at < (t.day + 1)::timestamp at time zone 'UTC'
      group by t.site_id, t.day
    ),
    upserted as (
      insert into site_usage_daily (site_id, day, requests, visitors, input_tokens, output_tokens, cost_usd, updated_at)
      select site_id, day, requests, visitors, input_tokens, output_tokens, cost_usd, now() from totals
      on conflict (site_id, day) do update set
        requests = excluded.requests,
        visitors = excluded.visitors,
        input_tokens = excluded.input_tokens,
        output_tokens = excluded.output_tokens,
        cost_usd = excluded.cost_usd,
        updated_at = excluded.updated_at
      where (site_usage_daily.requests, site_usage_daily.visitors, site_usage_daily.input_tokens,
             site_usage_daily.output_tokens, site_usage_daily.cost_usd)
        is distinct from (excluded.requests, excluded.visitors, excluded.input_tokens, excluded.output_tokens, excluded.cost_usd)
      returning 1
    )
    select (select count(*) from upserted)::int as rows_upserted
  `);
  return { rowsUpserted: Number(rows[0]?.rows_upserted ?? 0) };
}
