// A Limiter's own SQLite: the owner's account for the current period (tier, tokens used), the
// rate-limit bucket, and the quota reservations. Mirrored in memory so a decision reads nothing
// (every decision is one synchronous turn: exact under concurrency); every change is written
// through, so the state survives restarts.
import type { Tier } from '../drizzle/schema.ts';

export type Account = { tier: Tier; periodStart: number; used: number; seeded: boolean };
export type Bucket = { tokens: number; updatedAt: number };
export type Reservation = { id: string; tokens: number; expiresAt: number };

const SCHEMA = [
  `create table if not exists account (id integer primary key check (id = 1), tier text not null, period_start integer not null,
    used integer not null, seeded integer not null)`,
  `create table if not exists bucket (id integer primary key check (id = 1), tokens real not null, updated_at integer not null)`,
  // settled_tokens is null while a reservation is open; rows are kept for the period so a settle is counted once.
  `create table if not exists reservations (id text primary key, tokens integer not null, expires_at integer not null, settled_tokens integer)`,
];

export class LimiterStore {
  private readonly storage: DurableObjectStorage;
  account: Account | undefined;
  bucket: Bucket | undefined;
  /** Open reservations, expired ones included until `expire` drops them. */
  readonly open = new Map<string, Reservation>();

  constructor(storage: DurableObjectStorage) {
    this.storage = storage;
    for (const statement of SCHEMA) this.sql.exec(statement);
    const account = this.sql.exec<{ tier: Tier; period_start: number; used: number; seeded: number }>('select * from account').toArray()[0];
    if (account) this.account = { tier: account.tier, periodStart: account.period_start, used: account.used, seeded: account.seeded === 1 };
    const bucket = this.sql.exec<{ tokens: number; updated_at: number }>('select * from bucket').toArray()[0];
    if (bucket) this.bucket = { tokens: bucket.tokens, updatedAt: bucket.updated_at };
    for (const row of this.sql.exec<{ id: string; tokens: number; expires_at: number }>('select id, tokens, expires_at from reservations where settled_tokens is null')) {
      this.open.set(row.id, { id: row.id, tokens: row.tokens, expiresAt: row.expires_at });
    }
  }

  private get sql() {
    return this.storage.sql;
  }

  /**
   * The account for a period as seeded. A new period starts with no reservations; a seed that
   * lands within the current period (after Postgres was away) keeps the open ones.
   */
  startPeriodKeeping(account: Account, keepReservations: boolean) {
    this.storage.transactionSync(() => {
      if (!keepReservations) this.sql.exec('delete from reservations');
      this.writeAccount(account);
    });
    if (!keepReservations) this.open.clear();
    this.account = account;
  }

  setTier(tier: Tier) {
    if (!this.account) return;
    this.account = { ...this.account, tier };
    this.writeAccount(this.account);
  }

  /** Takes one request from the bucket and opens a reservation: one transaction. */
  admit(reservation: Reservation | undefined, bucket: Bucket | undefined) {
    this.storage.transactionSync(() => {
      if (bucket) this.sql.exec('insert or replace into bucket (id, tokens, updated_at) values (1, ?, ?)', bucket.tokens, bucket.updatedAt);
      if (reservation) this.sql.exec('insert into reservations (id, tokens, expires_at) values (?, ?, ?)', reservation.id, reservation.tokens, reservation.expiresAt);
    });
    if (bucket) this.bucket = bucket;
    if (reservation) this.open.set(reservation.id, reservation);
  }

  /**
   * Closes a reservation with what the reply really used and adds it to the period's total. Only
   * once per reservation (a repeated settle changes nothing); a reservation that had expired is
   * still counted, since its tokens were spent. Returns whether it counted.
   */
  settle(id: string, usedTokens: number): boolean {
    if (!this.account) return false;
    const row = this.sql.exec<{ settled_tokens: number | null }>('select settled_tokens from reservations where id = ?', id).toArray()[0];
    if (row && row.settled_tokens !== null) return false;
    const account = { ...this.account, used: this.account.used + usedTokens };
    this.storage.transactionSync(() => {
      if (row) this.sql.exec('update reservations set settled_tokens = ? where id = ?', usedTokens, id);
      else this.sql.exec('insert into reservations (id, tokens, expires_at, settled_tokens) values (?, 0, 0, ?)', id, usedTokens);
      this.writeAccount(account);
    });
    this.account = account;
    this.open.delete(id);
    return true;
  }

  /** Forgets reservations past their expiry: a reply that never settled holds nothing for ever. */
  expire(now: number) {
    for (const [id, reservation] of this.open) if (reservation.expiresAt <= now) this.open.delete(id);
  }

  private writeAccount(account: Account) {
    this.sql.exec(
      'insert or replace into account (id, tier, period_start, used, seeded) values (1, ?, ?, ?, ?)',
      account.tier, account.periodStart, account.used, account.seeded ? 1 : 0,
    );
  }
}
