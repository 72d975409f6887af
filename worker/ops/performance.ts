// The operators' view of speed, read from reply_timing_daily (the hourly roll-up of every reply's
// timings): per UTC day, model and deployed version, the replies, their error, stop and fallback
// rates and the p50/p95/p99 of their time to first token. A version's first day is its deploy
// marker: a regression shows on the day it shipped, beside the version before it.
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { asOperator } from '../db/as-operator.ts';
import type { DayRange } from '../usage/day-range.ts';

type Row = {
  day: string;
  model: string;
  version: string;
  replies: number;
  errors: number;
  stopped: number;
  fallbacks: number;
  ttft_p50: number | null;
  ttft_p95: number | null;
  ttft_p99: number | null;
  duration_p50: number;
  duration_p95: number;
};

export type OpsPerformance = {
  from: string;
  to: string;
  byDay: Array<{
    day: string;
    model: string;
    version: string;
    replies: number;
    errors: number;
    stopped: number;
    fallbacks: number;
    errorRate: number;
    fallbackRate: number;
    ttftMs: { p50: number | null; p95: number | null; p99: number | null };
    durationMs: { p50: number; p95: number };
  }>;
  /** Each version seen in the range, with the first day it answered a reply. */
  versions: Array<{ version: string; firstDay: string }>;
};

export async function opsPerformance(db: Db, { from, to }: DayRange): Promise<OpsPerformance> {
  const inRange = sql`day between ${from}::date and ${to}::date`;
  const [rows, versions] = await asOperator(db, (q) => [
    q.execute<Row>(sql`select to_char(day, 'YYYY-MM-DD') as day, model, version, replies, errors, stopped, fallbacks,
        ttft_p50, ttft_p95, ttft_p99, duration_p50, duration_p95
      from reply_timing_daily where ${inRange} order by day, model, version`),
    // The first day over all time, not the range: a version deployed before `from` is not new on `from`.
    q.execute<{ version: string; first_day: string }>(sql`select version, to_char(min(day), 'YYYY-MM-DD') as first_day
      from reply_timing_daily where version in (select version from reply_timing_daily where ${inRange})
      group by version order by min(day), version`),
  ]);
  return {
    from,
    to,
    byDay: rows.rows.map((row) => ({
      day: row.day,
      model: row.model,
      version: row.version,
      replies: row.replies,
      errors: row.errors,
      stopped: row.stopped,
      fallbacks: row.fallbacks,
      errorRate: rate(row.errors, row.replies),
      fallbackRate: rate(row.fallbacks, row.replies),
      ttftMs: { p50: row.ttft_p50, p95: row.ttft_p95, p99: row.ttft_p99 },
      durationMs: { p50: row.duration_p50, p95: row.duration_p95 },
    })),
    versions: versions.rows.map((row) => ({ version: row.version, firstDay: row.first_day })),
  };
}

/** A share, rounded to 4 decimals (0 when there was nothing to share). */
const rate = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000);
