// One for the whole deployment ("outboxes"): which objects hold writes Postgres (or the usage
// queue) has not taken yet, for the operators' health view. Rooms and Limiters report here only
// when a write behind fails (and once more when it lands after all), never on a request's path,
// so this single object sees traffic only while something is down. A source that stops reporting
// for a day is forgotten (its object was deleted, or its report of the recovery was lost).
import { DurableObject } from 'cloudflare:workers';
import { migrateSchema, type SchemaStep } from './sqlite-schema.ts';
import type { BacklogReport, BacklogSummary } from '../worker/ops/backlog.ts';

const FORGET_AFTER_MS = 24 * 60 * 60_000;

const SCHEMA: readonly SchemaStep[] = [
  (sql) => {
    sql.exec(`create table sources (source text primary key, kind text not null, pending integer not null,
      since integer not null, reported_at integer not null)`);
  },
];

export class Backlog extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    migrateSchema(ctx.storage, SCHEMA);
  }

  /** A source's writes still pending (0: all landed, and it is forgotten). */
  async report(report: BacklogReport): Promise<void> {
    const { sql } = this.ctx.storage;
    if (report.pending <= 0) {
      sql.exec('delete from sources where source = ?', report.source);
      return;
    }
    sql.exec(
      `insert into sources (source, kind, pending, since, reported_at) values (?, ?, ?, ?, ?)
       on conflict (source) do update set pending = excluded.pending, since = min(sources.since, excluded.since),
         reported_at = excluded.reported_at`,
      report.source,
      report.kind,
      Math.round(report.pending),
      report.since,
      Date.now(),
    );
  }

  /** Every source with a backlog, summed per kind, with the oldest failure. */
  async summary(): Promise<BacklogSummary> {
    const { sql } = this.ctx.storage;
    sql.exec('delete from sources where reported_at < ?', Date.now() - FORGET_AFTER_MS);
    const rows = sql
      .exec<{ kind: 'room' | 'limiter'; sources: number; pending: number; since: number }>(
        'select kind, count(*) as sources, sum(pending) as pending, min(since) as since from sources group by kind',
      )
      .toArray();
    const of = (kind: 'room' | 'limiter') => {
      const row = rows.find((r) => r.kind === kind);
      return { sources: row?.sources ?? 0, pending: row?.pending ?? 0 };
    };
    const since = rows.length === 0 ? null : Math.min(...rows.map((r) => r.since));
    return { rooms: of('room'), limiters: of('limiter'), since: since === null ? null : new Date(since).toISOString() };
  }
}
