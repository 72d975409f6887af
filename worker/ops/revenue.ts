// Revenue beside vendor cost, for the operators: what Stripe says was paid (invoices, kept by the
// billing Worker's webhook) against what the vendors cost (usage_daily), per tier and per model.
// A tier's revenue and cost are those of the users on it now. Revenue is not spent per model, so a
// model's share is allocated: each paying user's revenue split by what their replies on each model
// cost. Margins are in US dollars; invoices in other currencies are listed, not converted.
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { asOperator } from '../db/as-operator.ts';
import type { DayRange } from '../usage/day-range.ts';
import type { Tier } from '../../drizzle/schema.ts';

export type OpsRevenue = {
  from: string;
  to: string;
  /** Everything paid in the range, per currency (decimal strings in the currency's unit). */
  paid: Array<{ currency: string; amount: string; invoices: number }>;
  byTier: Array<{ tier: Tier; revenueUsd: string; costUsd: string; marginUsd: string }>;
  byModel: Array<{ model: string; revenueUsd: string; costUsd: string; marginUsd: string }>;
  /** USD paid by invoices of no known user, or by paying users with no usage: in no tier's or model's row. */
  unallocatedUsd: { noUser: string; noUsage: string };
};

type Money = { revenue_usd: string; cost_usd: string; margin_usd: string };

const startOf = (day: string) => sql`((${day})::date::timestamp at time zone 'UTC')`;

export async function opsRevenue(db: Db, { from, to }: DayRange): Promise<OpsRevenue> {
  const paidInRange = sql`paid_at >= ${startOf(from)} and paid_at < ${startOf(to)} + interval '1 day'`;
  const inputs = sql`
    paid as (select user_id, sum(amount_paid)::numeric / 100 as revenue from invoices
      where currency = 'usd' and ${paidInRange} and user_id is not null group by user_id),
    spend as (select user_id, model, sum(cost_usd) as cost from usage_daily
      where day between ${from}::date and ${to}::date group by user_id, model),
    user_cost as (select user_id, sum(cost) as cost from spend group by user_id)`;
  const money = (revenue: string, cost: string) =>
    sql.raw(`round(${revenue}, 8)::text as revenue_usd,
    round(${cost}, 8)::text as cost_usd, round(${revenue} - ${cost}, 8)::text as margin_usd`);
  const [paid, byTier, byModel, unallocated] = await asOperator(db, (q) => [
    q.execute<{ currency: string; amount: string; invoices: number }>(sql`
      select currency, (sum(amount_paid)::numeric / 100)::numeric(20, 2)::text as amount, count(*)::int as invoices
      from invoices where ${paidInRange} group by currency order by currency`),
    q.execute<Money & { tier: Tier }>(sql`with ${inputs}
      select t.tier, ${money('coalesce(r.revenue, 0)', 'coalesce(c.cost, 0)')}
      from unnest(array['free', 'pro', 'enterprise']) as t(tier)
      left join (select p.tier, sum(paid.revenue) as revenue from paid join profiles p on p.id = paid.user_id
        group by p.tier) r on r.tier = t.tier
      left join (select p.tier, sum(spend.cost) as cost from spend join profiles p on p.id = spend.user_id
        group by p.tier) c on c.tier = t.tier
      order by array_position(array['free', 'pro', 'enterprise'], t.tier)`),
    q.execute<Money & { model: string }>(sql`with ${inputs}
      select s.model, ${money(
        'sum(case when uc.cost > 0 then coalesce(paid.revenue, 0) * s.cost / uc.cost else 0 end)',
        'sum(s.cost)',
      )}
      from spend s join user_cost uc on uc.user_id = s.user_id left join paid on paid.user_id = s.user_id
      group by s.model order by sum(s.cost) desc, s.model`),
    q.execute<{ no_user: string; no_usage: string }>(sql`with ${inputs}
      select round(coalesce((select sum(amount_paid)::numeric / 100 from invoices
          where currency = 'usd' and ${paidInRange} and user_id is null), 0), 8)::text as no_user,
        round(coalesce((select sum(paid.revenue) from paid left join user_cost uc on uc.user_id = paid.user_id
          where coalesce(uc.cost, 0) = 0), 0), 8)::text as no_usage`),
  ]);
  return {
    from,
    to,
    paid: paid.rows,
    byTier: byTier.rows.map((row) => ({ tier: row.tier, ...usd(row) })),
    byModel: byModel.rows.map((row) => ({ model: row.model, ...usd(row) })),
    unallocatedUsd: { noUser: unallocated.rows[0]!.no_user, noUsage: unallocated.rows[0]!.no_usage },
  };
}

const usd = (row: Money) => ({ revenueUsd: row.revenue_usd, costUsd: row.cost_usd, marginUsd: row.margin_usd });
