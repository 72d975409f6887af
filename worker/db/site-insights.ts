// What a site's owner reads about its visitors (the Sites page's view of one site): the questions
// they ask most, tokens and cost per day, and refusals per day and reason. Read from Postgres as the
// owner, under RLS, each on an index of migration 0017: the visitors' hot path never comes here.
import { sql } from 'drizzle-orm';
import type { Db } from './client.ts';
import { asUser, type UserClaims } from './as-user.ts';

/** The window every figure covers: the last 30 UTC days, today included. */
export const INSIGHT_DAYS = 30;

/** The first UTC day of the window that ends on `now`'s day. */
export function windowStart(now: Date): string {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (INSIGHT_DAYS - 1)));
  return start.toISOString().slice(0, 10);
}

// Leading and trailing punctuation and spaces a question is trimmed of (inner ones stay: "node.js").
const TRIMMED = ` \t\n.,;:!?¡¿'"“”‘’«»()[]…-`;

/**
 * The most frequent first messages of the site's visitors' conversations started in the window:
 * each conversation's first visitor message (its first version, should it have been edited),
 * lowercased, runs of white space made one space, and trimmed of punctuation at both ends; those
 * equal after that are one question. Most asked first, then alphabetically; empty ones left out.
 */
export async function topQuestions(db: Db, claims: UserClaims, siteId: string, now: Date, limit = 10) {
  const since = `${windowStart(now)}T00:00:00Z`;
  const [result] = await asUser(db, claims, (q) => [
    q.execute<{ question: string; count: number }>(sql`
      with firsts as (
        select btrim(regexp_replace(lower(first.content), '\\s+', ' ', 'g'), ${TRIMMED}) as question
          from conversations c
          cross join lateral (
            select m.content from messages m
             where m.conversation_id = c.id and m.role = 'user'
             order by m.created_at, m.id limit 1
          ) first
         where c.user_id = ${claims.sub} and c.site_id = ${siteId}::uuid and c.visitor_id is not null
           and c.active_at >= ${since}::timestamptz and c.created_at >= ${since}::timestamptz
      )
      select question, count(*)::int as count from firsts where question <> ''
       group by question order by count(*) desc, question limit ${limit}
    `),
  ]);
  return result.rows.map((row) => ({ question: row.question, count: Number(row.count) }));
}

/** The site's replies per UTC day in the window: requests, tokens and cost (USD, as a decimal string), from its visitors' usage events. */
export async function siteUsageByDay(db: Db, claims: UserClaims, siteId: string, now: Date) {
  const since = `${windowStart(now)}T00:00:00Z`;
  const [result] = await asUser(db, claims, (q) => [
    q.execute<{ day: string; requests: number; input_tokens: string; output_tokens: string; cost_usd: string }>(sql`
      select to_char((occurred_at at time zone 'UTC')::date, 'YYYY-MM-DD') as day,
             count(*)::int as requests,
             sum(input_tokens)::bigint as input_tokens,
             sum(output_tokens)::bigint as output_tokens,
             sum(cost_usd)::text as cost_usd
        from usage_events
       where user_id = ${claims.sub} and site_id = ${siteId}::uuid and occurred_at >= ${since}::timestamptz
       group by 1 order by 1
    `),
  ]);
  return result.rows.map((row) => ({
    day: row.day,
    requests: Number(row.requests),
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    costUsd: row.cost_usd,
  }));
}

/** The site's refusals per UTC day and reason in the window (the latest totals its owner's Limiter published). */
export async function siteRefusalsByDay(db: Db, claims: UserClaims, siteId: string, now: Date) {
  const [result] = await asUser(db, claims, (q) => [
    q.execute<{ day: string; reason: string; count: number }>(sql`
      select to_char(day, 'YYYY-MM-DD') as day, reason, count
        from site_refusals_daily
       where user_id = ${claims.sub} and site_id = ${siteId}::uuid and day >= ${windowStart(now)}::date
       order by day, reason
    `),
  ]);
  return result.rows.map((row) => ({ day: row.day, reason: row.reason, count: Number(row.count) }));
}
