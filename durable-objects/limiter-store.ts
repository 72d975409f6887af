// A Limiter's own SQLite: the owner's account for the current period (tier, tokens used), one
// rate-limit bucket per subject (the user, each of their API keys, each visitor of their sites), the owner's live API keys (by
// hash), the quota reservations, and usage events waiting to be published. Memory is the truth a
// decision reads (every decision is one synchronous turn: exact under concurrency); decision
// changes are written behind, in one transaction a turn later, so that a decision's answer is not
// held until its write is durable (a Durable Object holds its replies until the writes before
// them are confirmed). The state survives restarts; a crash in the moment between a decision and
// its write can lose that decision's reservation, never a settled count that already reached
// storage. Keys and usage events are written at once: they are not on a decision's path.
import type { SubjectType, Tier } from '../drizzle/schema.ts';
import type { RefusalReason } from '../worker/usage/refusal-count.ts';
import type { SiteRefusalTotal } from '../worker/usage/site-refusal-count.ts';
import type { TierLimits } from '../worker/usage/tiers.ts';
import { migrateSchema, type SchemaStep } from './sqlite-schema.ts';
import { LimiterFiles } from './limiter-files.ts';

export type Account = {
  tier: Tier;
  overrides: Partial<TierLimits> | null;
  periodStart: number;
  used: number;
  seeded: boolean;
};
/** The owner's custom instructions as last saved (`updatedAt`: when, epoch ms; 0 when never set). */
export type Instructions = { text: string | null; updatedAt: number };
export type Bucket = { tokens: number; updatedAt: number };
/** `siteId`: a widget visitor's reply, which holds one of the widget's reply slots and its site's daily budget. */
export type Reservation = { id: string; tokens: number; expiresAt: number; siteId?: string };
/** The tokens a widget site's replies used on one UTC day (`YYYY-MM-DD`): only the latest day is kept. */
export type SiteDay = { day: string; used: number };

/** The Limiter's schema, version by version (sqlite-schema.ts): never edit a released step, add one. */
const SCHEMA: readonly SchemaStep[] = [
  // 1: the account, a bucket per subject (`user`, `api_key:<key id>` or `visitor:<site id>:<visitor id>`;
  // a single-bucket table preceded it), live keys, usage still to publish, and the period's
  // reservations (settled_tokens null while open; rows kept for the period so a settle counts once).
  (sql) => {
    sql.exec(`create table if not exists account (id integer primary key check (id = 1), tier text not null,
      overrides text, period_start integer not null, used integer not null, seeded integer not null)`);
    sql.exec('drop table if exists bucket');
    sql.exec(
      'create table if not exists buckets (subject text primary key, tokens real not null, updated_at integer not null)',
    );
    sql.exec('create table if not exists api_keys (hash text primary key, key_id text not null)');
    sql.exec('create table if not exists usage_outbox (id text primary key, body text not null)');
    sql.exec(`create table if not exists reservations (id text primary key, tokens integer not null,
      expires_at integer not null, settled_tokens integer)`);
  },
  // 2: refusals counted per user, UTC day, reason and subject type, and how much of each total was published.
  (sql) => {
    sql.exec(`create table refusal_counts (user_id text not null, day text not null, reason text not null,
      subject_type text not null, count integer not null, published integer not null,
      primary key (user_id, day, reason, subject_type))`);
  },
  // 3: the owner's custom instructions (a copy of profiles.custom_instructions), so a reply never reads Postgres for them.
  (sql) => {
    sql.exec(`create table instructions (id integer primary key check (id = 1), text text,
      updated_at integer not null)`);
  },
  // 4: which widget site a reservation is for (null: the owner's own reply), and the tokens each of
  // the owner's sites used on its latest UTC day (issue 23: the site's daily budget).
  (sql) => {
    sql.exec('alter table reservations add column site_id text');
    sql.exec('create table site_days (site_id text primary key, day text not null, used integer not null)');
  },
  // 5: refusals of each widget site's visitors, per site, UTC day and reason, for the site's owner;
  // published like the others.
  (sql) => {
    sql.exec(`create table site_refusal_counts (site_id text not null, day text not null, reason text not null,
      user_id text not null, count integer not null, published integer not null, primary key (site_id, day, reason))`);
  },
  // 6: the owner's files (issue 24; limiter-files.ts): the catalogue storage is counted from, the
  // conversations that refer to each file, and the changes still to write behind.
  (sql) => {
    sql.exec(`create table files (id text primary key, name text not null, media_type text not null, kind text not null,
      size integer not null, created_at integer not null)`);
    sql.exec(
      'create table file_refs (file_id text not null, conversation_id text not null, primary key (file_id, conversation_id))',
    );
    sql.exec(
      'create table file_outbox (seq integer primary key autoincrement, key text not null unique, body text not null)',
    );
  },
];

/** One refusal total: a user's refusals for one day, reason and subject type. */
export type RefusalTotal = {
  userId: string;
  day: string;
  reason: RefusalReason;
  subjectType: SubjectType;
  count: number;
  published: number;
};
/** Days of refusal totals kept once published: enough for a late day's last total to go out. */
const REFUSAL_DAYS_KEPT = 2;

export class LimiterStore {
  private readonly storage: DurableObjectStorage;
  account: Account | undefined;
  /** The owner's custom instructions; undefined until first loaded (from Postgres, or as saved). */
  instructions: Instructions | undefined;
  /** Rate-limit buckets by subject. */
  readonly buckets = new Map<string, Bucket>();
  /** The owner's live API keys: SHA-256 of the secret -> key id. */
  readonly keys = new Map<string, string>();
  /** Open reservations, expired ones included until `expire` drops them. */
  readonly open = new Map<string, Reservation>();
  /** Tokens each widget site used on its latest UTC day, by site id. */
  readonly siteDays = new Map<string, SiteDay>();
  private readonly siteDaysUnwritten = new Set<string>();
  /** Reservations settled this period: a settle counts once. */
  private readonly settled = new Set<string>();
  private readonly unwritten = new Map<
    string,
    { tokens: number; expiresAt: number; settledTokens: number | null; siteId: string | null }
  >();
  private accountUnwritten = false;
  private readonly bucketsUnwritten = new Set<string>();
  /** Refusal totals by `user/day/reason/subject`. */
  private readonly refusals = new Map<string, RefusalTotal>();
  private readonly refusalsUnwritten = new Set<string>();
  /** Site refusal totals by `site/day/reason`. */
  private readonly siteRefusals = new Map<string, SiteRefusalTotal & { published: number }>();
  private readonly siteRefusalsUnwritten = new Set<string>();
  private writeScheduled = false;
  /** The owner's files and their storage. */
  readonly files: LimiterFiles;

  constructor(storage: DurableObjectStorage) {
    this.storage = storage;
    migrateSchema(storage, SCHEMA);
    this.files = new LimiterFiles(storage.sql);
    const account = this.sql
      .exec<{ tier: Tier; overrides: string | null; period_start: number; used: number; seeded: number }>(
        'select * from account',
      )
      .toArray()[0];
    if (account) {
      this.account = {
        tier: account.tier,
        overrides: account.overrides === null ? null : (JSON.parse(account.overrides) as Partial<TierLimits>),
        periodStart: account.period_start,
        used: account.used,
        seeded: account.seeded === 1,
      };
    }
    const instructions = this.sql
      .exec<{ text: string | null; updated_at: number }>('select text, updated_at from instructions')
      .toArray()[0];
    if (instructions) this.instructions = { text: instructions.text, updatedAt: instructions.updated_at };
    for (const row of this.sql.exec<{ subject: string; tokens: number; updated_at: number }>('select * from buckets')) {
      this.buckets.set(row.subject, { tokens: row.tokens, updatedAt: row.updated_at });
    }
    for (const row of this.sql.exec<{ hash: string; key_id: string }>('select * from api_keys'))
      this.keys.set(row.hash, row.key_id);
    for (const row of this.sql.exec<{
      user_id: string;
      day: string;
      reason: RefusalReason;
      subject_type: SubjectType;
      count: number;
      published: number;
    }>('select * from refusal_counts')) {
      const total = { userId: row.user_id, day: row.day, reason: row.reason, subjectType: row.subject_type };
      this.refusals.set(refusalKey(total), { ...total, count: row.count, published: row.published });
    }
    for (const row of this.sql.exec<{
      site_id: string;
      day: string;
      reason: string;
      user_id: string;
      count: number;
      published: number;
    }>('select * from site_refusal_counts')) {
      const total = { siteId: row.site_id, day: row.day, reason: row.reason, userId: row.user_id };
      this.siteRefusals.set(siteRefusalKey(total), { ...total, count: row.count, published: row.published });
    }
    for (const row of this.sql.exec<{
      id: string;
      tokens: number;
      expires_at: number;
      settled_tokens: number | null;
      site_id: string | null;
    }>('select * from reservations')) {
      if (row.settled_tokens === null)
        this.open.set(row.id, {
          id: row.id,
          tokens: row.tokens,
          expiresAt: row.expires_at,
          ...(row.site_id === null ? {} : { siteId: row.site_id }),
        });
      else this.settled.add(row.id);
    }
    for (const row of this.sql.exec<{ site_id: string; day: string; used: number }>('select * from site_days'))
      this.siteDays.set(row.site_id, { day: row.day, used: row.used });
  }

  private get sql() {
    return this.storage.sql;
  }

  /**
   * The account for a period as seeded. A new period starts with no reservations; a seed that
   * lands within the current period (after Postgres was away) keeps the open ones.
   */
  startPeriodKeeping(account: Account, keepReservations: boolean) {
    this.write();
    this.storage.transactionSync(() => {
      if (!keepReservations) this.sql.exec('delete from reservations');
      this.writeAccount(account);
    });
    if (!keepReservations) {
      this.open.clear();
      this.settled.clear();
    }
    this.account = account;
  }

  setTier(tier: Tier) {
    if (!this.account) return;
    this.account = { ...this.account, tier };
    this.accountUnwritten = true;
    this.scheduleWrite();
  }

  /**
   * Keeps the newer of the instructions held and `instructions` (a save and a seed may arrive in
   * either order, or twice): written at once, since the next reply must use what was saved.
   */
  setInstructions(instructions: Instructions) {
    if (this.instructions && this.instructions.updatedAt > instructions.updatedAt) return;
    this.instructions = instructions;
    this.sql.exec(
      'insert or replace into instructions (id, text, updated_at) values (1, ?, ?)',
      instructions.text,
      instructions.updatedAt,
    );
  }

  /** Takes one request from a subject's bucket and opens a reservation. */
  openReservation(reservation: Reservation | undefined, bucket: { subject: string; bucket: Bucket } | undefined) {
    if (bucket) {
      this.buckets.set(bucket.subject, bucket.bucket);
      this.bucketsUnwritten.add(bucket.subject);
    }
    if (reservation) {
      this.open.set(reservation.id, reservation);
      this.unwritten.set(reservation.id, {
        tokens: reservation.tokens,
        expiresAt: reservation.expiresAt,
        settledTokens: null,
        siteId: reservation.siteId ?? null,
      });
    }
    this.scheduleWrite();
  }

  /**
   * Closes a reservation with what the reply really used and adds it to the period's total. Only
   * once per reservation (a repeated settle changes nothing); a reservation that had expired, or
   * was never seen, is still counted, since its tokens were spent. Returns whether it counted.
   * A widget visitor's reply counts in its site's day, too (`day`: the UTC day it settled on);
   * one whose reservation had expired from memory no longer knows its site and counts in the month only.
   */
  settle(id: string, usedTokens: number, day: string): boolean {
    if (!this.account || this.settled.has(id)) return false;
    const reservation = this.open.get(id);
    this.account = { ...this.account, used: this.account.used + usedTokens };
    this.accountUnwritten = true;
    this.settled.add(id);
    this.open.delete(id);
    const siteId = reservation?.siteId;
    if (siteId !== undefined) {
      const held = this.siteDays.get(siteId);
      this.siteDays.set(siteId, { day, used: (held?.day === day ? held.used : 0) + usedTokens });
      this.siteDaysUnwritten.add(siteId);
    }
    this.unwritten.set(id, {
      tokens: reservation?.tokens ?? 0,
      expiresAt: reservation?.expiresAt ?? 0,
      settledTokens: usedTokens,
      siteId: siteId ?? null,
    });
    this.scheduleWrite();
    return true;
  }

  /** Keys the owner created (or Postgres knows as live): written at once, since a key must work as soon as it is shown. */
  addKeys(keys: Array<{ id: string; hash: string }>) {
    for (const key of keys) {
      if (this.keys.get(key.hash) === key.id) continue;
      this.keys.set(key.hash, key.id);
      this.sql.exec('insert or replace into api_keys (hash, key_id) values (?, ?)', key.hash, key.id);
    }
  }

  removeKey(hash: string) {
    const keyId = this.keys.get(hash);
    this.keys.delete(hash);
    this.sql.exec('delete from api_keys where hash = ?', hash);
    if (keyId) {
      this.buckets.delete(`api_key:${keyId}`);
      this.sql.exec('delete from buckets where subject = ?', `api_key:${keyId}`);
    }
  }

  /** Keeps a usage event until it is published (its id makes a second copy a no-op). */
  keepUsage(id: string, body: string) {
    this.sql.exec('insert or ignore into usage_outbox (id, body) values (?, ?)', id, body);
  }

  pendingUsage(limit: number): Array<{ id: string; body: string }> {
    return this.sql.exec<{ id: string; body: string }>('select id, body from usage_outbox limit ?', limit).toArray();
  }

  pendingUsageCount(): number {
    return this.sql.exec<{ n: number }>('select count(*) as n from usage_outbox').one().n;
  }

  dropUsage(ids: string[]) {
    this.storage.transactionSync(() => {
      for (const id of ids) this.sql.exec('delete from usage_outbox where id = ?', id);
    });
  }

  /** Counts one refusal (written a turn later, like a decision's other changes). */
  countRefusal(refusal: Pick<RefusalTotal, 'userId' | 'day' | 'reason' | 'subjectType'>) {
    const key = refusalKey(refusal);
    const total = this.refusals.get(key);
    this.refusals.set(key, total ? { ...total, count: total.count + 1 } : { ...refusal, count: 1, published: 0 });
    this.refusalsUnwritten.add(key);
    this.scheduleWrite();
  }

  /** Totals that grew since they were last published. */
  unpublishedRefusals(): RefusalTotal[] {
    return [...this.refusals.values()].filter((total) => total.count > total.published);
  }

  /**
   * These totals reached the queue; published days older than a couple are forgotten. Written at
   * once, not a turn later: this runs behind a publish (often from the alarm), on no decision's
   * path, and a timer set here would outlive the call that set it.
   */
  refusalsPublished(totals: RefusalTotal[]) {
    let changed = false;
    for (const sent of totals) {
      const key = refusalKey(sent);
      const total = this.refusals.get(key);
      if (!total || total.published >= sent.count) continue;
      this.refusals.set(key, { ...total, published: sent.count });
      this.refusalsUnwritten.add(key);
      changed = true;
    }
    const oldest = new Date(Date.now() - REFUSAL_DAYS_KEPT * 86_400_000).toISOString().slice(0, 10);
    for (const [key, total] of this.refusals)
      if (total.day < oldest && total.published >= total.count) {
        this.refusals.delete(key);
        this.refusalsUnwritten.add(key);
        changed = true;
      }
    if (changed) this.write();
  }

  /** Counts one refusal of a site's visitor (written a turn later, like a refusal's other count). */
  countSiteRefusal(refusal: Omit<SiteRefusalTotal, 'count'>) {
    const key = siteRefusalKey(refusal);
    const total = this.siteRefusals.get(key);
    this.siteRefusals.set(key, total ? { ...total, count: total.count + 1 } : { ...refusal, count: 1, published: 0 });
    this.siteRefusalsUnwritten.add(key);
    this.scheduleWrite();
  }

  /** Site refusal totals that grew since they were last published. */
  unpublishedSiteRefusals(): SiteRefusalTotal[] {
    return [...this.siteRefusals.values()]
      .filter((total) => total.count > total.published)
      .map(({ published: _, ...total }) => total);
  }

  /** These site totals reached the queue; published days older than a couple are forgotten (as refusalsPublished). */
  siteRefusalsPublished(totals: SiteRefusalTotal[]) {
    for (const sent of totals) {
      const key = siteRefusalKey(sent);
      const total = this.siteRefusals.get(key);
      if (!total || total.published >= sent.count) continue;
      this.siteRefusals.set(key, { ...total, published: sent.count });
      this.siteRefusalsUnwritten.add(key);
    }
    const oldest = new Date(Date.now() - REFUSAL_DAYS_KEPT * 86_400_000).toISOString().slice(0, 10);
    for (const [key, total] of this.siteRefusals)
      if (total.day < oldest && total.published >= total.count) {
        this.siteRefusals.delete(key);
        this.siteRefusalsUnwritten.add(key);
      }
    if (this.siteRefusalsUnwritten.size > 0) this.write();
  }

  /** Drops the buckets of subjects under `prefix` untouched since `before` (they would be full again by now). */
  dropIdleBuckets(prefix: string, before: number) {
    const idle = [...this.buckets]
      .filter(([subject, bucket]) => subject.startsWith(prefix) && bucket.updatedAt < before)
      .map(([subject]) => subject);
    if (idle.length === 0) return;
    for (const subject of idle) {
      this.buckets.delete(subject);
      this.bucketsUnwritten.delete(subject);
    }
    this.storage.transactionSync(() => {
      for (const subject of idle) this.sql.exec('delete from buckets where subject = ?', subject);
    });
  }

  /** Tokens a widget site used on `day` (UTC, `YYYY-MM-DD`): 0 once its latest day is an earlier one. */
  siteUsed(siteId: string, day: string): number {
    const held = this.siteDays.get(siteId);
    return held?.day === day ? held.used : 0;
  }

  /** Forgets reservations past their expiry: a reply that never settled holds nothing for ever. */
  expire(now: number) {
    for (const [id, reservation] of this.open) if (reservation.expiresAt <= now) this.open.delete(id);
  }

  /** A turn later: the answer that made these changes has left before they are written. */
  private scheduleWrite() {
    if (this.writeScheduled) return;
    this.writeScheduled = true;
    setTimeout(() => this.write(), 0);
  }

  /** Everything not yet written, in one transaction. */
  write() {
    this.writeScheduled = false;
    if (
      !this.accountUnwritten &&
      this.bucketsUnwritten.size === 0 &&
      this.unwritten.size === 0 &&
      this.refusalsUnwritten.size === 0 &&
      this.siteRefusalsUnwritten.size === 0 &&
      this.siteDaysUnwritten.size === 0
    )
      return;
    const account = this.accountUnwritten ? this.account : undefined;
    const buckets = [...this.bucketsUnwritten].flatMap((subject) => {
      const bucket = this.buckets.get(subject);
      return bucket ? [{ subject, ...bucket }] : [];
    });
    const reservations = [...this.unwritten];
    const siteDays = [...this.siteDaysUnwritten].flatMap((siteId) => {
      const held = this.siteDays.get(siteId);
      return held ? [{ siteId, ...held }] : [];
    });
    this.siteDaysUnwritten.clear();
    const refusals = [...this.refusalsUnwritten].map((key) => ({ key, total: this.refusals.get(key) }));
    this.refusalsUnwritten.clear();
    const siteRefusals = [...this.siteRefusalsUnwritten].map((key) => ({ key, total: this.siteRefusals.get(key) }));
    this.siteRefusalsUnwritten.clear();
    this.accountUnwritten = false;
    this.bucketsUnwritten.clear();
    this.unwritten.clear();
    this.storage.transactionSync(() => {
      if (account) this.writeAccount(account);
      for (const b of buckets)
        this.sql.exec(
          'insert or replace into buckets (subject, tokens, updated_at) values (?, ?, ?)',
          b.subject,
          b.tokens,
          b.updatedAt,
        );
      for (const [id, r] of reservations) {
        this.sql.exec(
          'insert or replace into reservations (id, tokens, expires_at, settled_tokens, site_id) values (?, ?, ?, ?, ?)',
          id,
          r.tokens,
          r.expiresAt,
          r.settledTokens,
          r.siteId,
        );
      }
      for (const s of siteDays)
        this.sql.exec(
          'insert or replace into site_days (site_id, day, used) values (?, ?, ?)',
          s.siteId,
          s.day,
          s.used,
        );
      for (const { key, total } of refusals) {
        if (total)
          this.sql.exec(
            'insert or replace into refusal_counts (user_id, day, reason, subject_type, count, published) values (?, ?, ?, ?, ?, ?)',
            total.userId,
            total.day,
            total.reason,
            total.subjectType,
            total.count,
            total.published,
          );
        else {
          const [userId, day, reason, subjectType] = key.split('/');
          this.sql.exec(
            'delete from refusal_counts where user_id = ? and day = ? and reason = ? and subject_type = ?',
            userId,
            day,
            reason,
            subjectType,
          );
        }
      }
      for (const { key, total } of siteRefusals) {
        if (total)
          this.sql.exec(
            'insert or replace into site_refusal_counts (site_id, day, reason, user_id, count, published) values (?, ?, ?, ?, ?, ?)',
            total.siteId,
            total.day,
            total.reason,
            total.userId,
            total.count,
            total.published,
          );
        else {
          const [siteId, day, reason] = key.split('/');
          this.sql.exec(
            'delete from site_refusal_counts where site_id = ? and day = ? and reason = ?',
            siteId,
            day,
            reason,
          );
        }
      }
    });
  }

  private writeAccount(account: Account) {
    this.sql.exec(
      'insert or replace into account (id, tier, overrides, period_start, used, seeded) values (1, ?, ?, ?, ?, ?)',
      account.tier,
      account.overrides === null ? null : JSON.stringify(account.overrides),
      account.periodStart,
      account.used,
      account.seeded ? 1 : 0,
    );
  }
}

const siteRefusalKey = (t: Pick<SiteRefusalTotal, 'siteId' | 'day' | 'reason'>) => `${t.siteId}/${t.day}/${t.reason}`;

const refusalKey = (t: Pick<RefusalTotal, 'userId' | 'day' | 'reason' | 'subjectType'>) =>
  `${t.userId}/${t.day}/${t.reason}/${t.subjectType}`;
