// The operators' business metrics, across every user, read from what the crons already keep:
// profiles (signups, tiers), tier_changes (conversions), usage_daily (the hourly roll-up of usage
// events: active users, tokens and cost per provider and model, top spenders), site_usage_daily
// (widget traffic) and refusals_daily (the Limiters' refusal totals). Raw events are never scanned here, so a
// page view costs a few indexed reads whatever the traffic. Every figure is for a range of UTC days.
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { asOperator } from '../db/as-operator.ts';
import type { DayRange } from '../usage/day-range.ts';
import { TIERS, type Tier } from '../../drizzle/schema.ts';

/** How many spenders the report names. */
const TOP_SPENDERS = 10;
/** How many widget sites it lists. */
const TOP_SITES = 20;

type Figures = { requests: number; inputTokens: number; outputTokens: number; costUsd: string };
type TierRow = { tier: Tier; n: number };
type FigureRow = { requests: number; input_tokens: string | number; output_tokens: string | number; cost_usd: string };

export type OpsMetrics = {
  from: string;
  to: string;
  signups: { total: number; byDay: Array<{ day: string; signups: number }>; tiersNow: Record<Tier, number> };
  users: {
    tiers: Record<Tier, number>;
    active: { byDay: Array<{ day: string; users: number }>; daily: number; weekly: number; monthly: number };
  };
  usage: {
    byDay: Array<{ day: string; provider: string; model: string } & Figures>;
    byProvider: Array<{ provider: string } & Figures>;
  };
  topSpenders: Array<{ userId: string; email: string | null; tier: Tier; tokens: number } & Figures>;
  /** Widget sites with traffic in the range, busiest first (a deleted site has no name or owner). */
  sites: Array<{ siteId: string; name: string | null; owner: string | null; visitors: number } & Figures>;
  /** Tier changes in the range, by day; `conversions` counts those from free to pro. */
  tierChanges: { conversions: number; byDay: Array<{ day: string; from: Tier; to: Tier; users: number }> };
  /** Requests the Limiters refused, by day and reason. */
  refusals: { total: number; byDay: Array<{ day: string; reason: string; count: number }> };
};

/** Midnight UTC of a day, as Postgres compares it with a timestamptz. */
const startOf = (day: string) => sql`((${day})::date::timestamp at time zone 'UTC')`;

export async function opsMetrics(db: Db, { from, to }: DayRange): Promise<OpsMetrics> {
  const signedUpInRange = sql`created_at >= ${startOf(from)} and created_at < ${startOf(to)} + interval '1 day'`;
  const inRange = sql`day between ${from}::date and ${to}::date`;
  const figures = sql`sum(requests)::int as requests, sum(input_tokens)::bigint as input_tokens,
    sum(output_tokens)::bigint as output_tokens, sum(cost_usd)::numeric(16, 8)::text as cost_usd`;
  const [signups, cohort, tiers, activeByDay, active, usageByDay, byProvider, spenders, sites, changes, refusals] =
    await asOperator(db, (q) => [
      q.execute<{
        day: string;
        signups: number;
      }>(sql`select to_char((created_at at time zone 'UTC')::date, 'YYYY-MM-DD') as day, count(*)::int as signups
        from profiles where ${signedUpInRange} group by 1 order by 1`),
      q.execute<TierRow>(sql`select tier, count(*)::int as n from profiles where ${signedUpInRange} group by tier`),
      q.execute<TierRow>(sql`select tier, count(*)::int as n from profiles group by tier`),
      q.execute<{
        day: string;
        users: number;
      }>(sql`select to_char(day, 'YYYY-MM-DD') as day, count(distinct user_id)::int as users
        from usage_daily where ${inRange} group by day order by day`),
      q.execute<{
        daily: number;
        weekly: number;
        monthly: number;
      }>(sql`select count(distinct user_id) filter (where day = ${to}::date)::int as daily,
          count(distinct user_id) filter (where day > ${to}::date - 7)::int as weekly,
          count(distinct user_id)::int as monthly
        from usage_daily where day > ${to}::date - 30 and day <= ${to}::date`),
      q.execute<
        FigureRow & { day: string; provider: string; model: string }
      >(sql`select to_char(day, 'YYYY-MM-DD') as day, split_part(model, '/', 1) as provider, model, ${figures}
        from usage_daily where ${inRange} group by day, model order by day, model`),
      q.execute<FigureRow & { provider: string }>(sql`select split_part(model, '/', 1) as provider, ${figures}
        from usage_daily where ${inRange} group by 1 order by 1`),
      q.execute<
        FigureRow & { user_id: string; email: string | null; tier: Tier; tokens: string | number }
      >(sql`select u.user_id, p.email, p.tier, ${figures}, sum(u.input_tokens + u.output_tokens)::bigint as tokens
        from usage_daily u join profiles p on p.id = u.user_id where ${inRange}
        group by u.user_id, p.email, p.tier order by sum(u.cost_usd) desc, sum(u.input_tokens + u.output_tokens) desc, u.user_id
        limit ${TOP_SPENDERS}`),
      // Visitors are summed over the days: a visitor back on another day counts again.
      q.execute<FigureRow & { site_id: string; name: string | null; owner: string | null; visitors: number }>(sql`
        select d.site_id, s.name, p.email as owner, ${figures}, sum(d.visitors)::int as visitors
        from site_usage_daily d left join sites s on s.id = d.site_id left join profiles p on p.id = s.user_id
        where ${inRange} group by d.site_id, s.name, p.email
        order by sum(d.requests) desc, d.site_id limit ${TOP_SITES}`),
      q.execute<{ day: string; from_tier: Tier; to_tier: Tier; users: number }>(sql`
        select to_char((changed_at at time zone 'UTC')::date, 'YYYY-MM-DD') as day, from_tier, to_tier,
          count(distinct user_id)::int as users
        from tier_changes where changed_at >= ${startOf(from)} and changed_at < ${startOf(to)} + interval '1 day'
        group by 1, from_tier, to_tier order by 1, from_tier, to_tier`),
      q.execute<{ day: string; reason: string; count: number }>(sql`
        select to_char(day, 'YYYY-MM-DD') as day, reason, sum(count)::int as count
        from refusals_daily where ${inRange} group by day, reason order by day, reason`),
    ]);
  const signupRows = signups.rows;
  const activeRow = active.rows[0];
  return {
    from,
    to,
    signups: {
      total: signupRows.reduce((sum, row) => sum + row.signups, 0),
      byDay: signupRows,
      tiersNow: tierCounts(cohort.rows),
    },
    users: {
      tiers: tierCounts(tiers.rows),
      active: {
        byDay: activeByDay.rows,
        daily: activeRow?.daily ?? 0,
        weekly: activeRow?.weekly ?? 0,
        monthly: activeRow?.monthly ?? 0,
      },
    },
    usage: {
      byDay: usageByDay.rows.map((row) => ({
        day: row.day,
        provider: row.provider,
        model: row.model,
        ...toFigures(row),
      })),
      byProvider: byProvider.rows.map((row) => ({
        provider: row.provider,
        ...toFigures(row),
      })),
    },
    topSpenders: spenders.rows.map((row) => ({
      userId: row.user_id,
      email: row.email,
      tier: row.tier,
      tokens: Number(row.tokens),
      ...toFigures(row),
    })),
    sites: sites.rows.map((row) => ({
      siteId: row.site_id,
      name: row.name,
      owner: row.owner,
      visitors: row.visitors,
      ...toFigures(row),
    })),
    tierChanges: {
      conversions: changes.rows
        .filter((row) => row.from_tier === 'free' && row.to_tier === 'pro')
        .reduce((sum, row) => sum + row.users, 0),
      byDay: changes.rows.map((row) => ({ day: row.day, from: row.from_tier, to: row.to_tier, users: row.users })),
    },
    refusals: {
      total: refusals.rows.reduce((sum, row) => sum + row.count, 0),
      byDay: refusals.rows,
    },
  };
}

/** Every tier, with 0 for those nobody is on. */
function tierCounts(rows: TierRow[]): Record<Tier, number> {
  const counts = Object.fromEntries(TIERS.map((tier) => [tier, 0])) as Record<Tier, number>;
  for (const row of rows) counts[row.tier] = row.n;
  return counts;
}

/** A bigint sum may come back as a string (it can pass 2^31); token sums stay far below 2^53. */
function toFigures(row: FigureRow): Figures {
  return {
    requests: row.requests,
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    costUsd: row.cost_usd,
  };
}
