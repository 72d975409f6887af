// A Site object's own SQLite: its one site's configuration, or the tombstone of a site removed, and
// the counters of its abuse limits (sessions per IP address, conversations per visitor: the times
// each happened within its window, see sites/site-limits.ts).
// Its schema is versioned (sqlite-schema.ts) but applied on the first write, so a key nobody ever
// created (a typo in a host page, a guess) leaves nothing stored behind its lookup.
import { DEFAULT_SITE_LIMITS, type SiteConfig } from '../worker/sites/site-config.ts';
import { migrateSchema, type SchemaStep } from './sqlite-schema.ts';

export type StoredSite = { kind: 'configured'; config: SiteConfig } | { kind: 'removed' };

/** The Site's schema, version by version: never edit a released step, add one. */
const SCHEMA: readonly SchemaStep[] = [
  // 1: the site's state, one row (the table an object made lazily before versions were kept).
  (sql) => {
    sql.exec('create table if not exists site (id integer primary key check (id = 1), state text not null)');
  },
  // 2: the abuse limits' counters, by key (`ip:<address>`, `visitor:<id>`): the times in the window, JSON, oldest first.
  (sql) => {
    sql.exec('create table counters (key text primary key, times text not null, updated_at integer not null)');
    sql.exec('create index counters_updated_idx on counters (updated_at)');
  },
];

export class SiteStore {
  private readonly storage: DurableObjectStorage;
  private state: StoredSite | undefined;
  /** The schema is applied: this object has stored something (or stores now). */
  private migrated = false;

  constructor(storage: DurableObjectStorage) {
    this.storage = storage;
    const stored = this.sql
      .exec(`select 1 from sqlite_master where type = 'table' and name in ('site', 'schema_version')`)
      .toArray();
    if (stored.length === 0) return;
    this.migrate();
    const row = this.sql.exec<{ state: string }>('select state from site').toArray()[0];
    this.state = row ? withLimits(JSON.parse(row.state) as StoredSite) : undefined;
  }

  private get sql() {
    return this.storage.sql;
  }

  /** What this object holds, from memory. */
  get(): StoredSite | undefined {
    return this.state;
  }

  put(state: StoredSite) {
    this.migrate();
    this.sql.exec('insert or replace into site (id, state) values (1, ?)', JSON.stringify(state));
    this.state = state;
  }

  /** The times a counter holds (empty for one never counted, or dropped once idle). */
  times(key: string): number[] {
    const row = this.sql.exec<{ times: string }>('select times from counters where key = ?', key).toArray()[0];
    return row ? (JSON.parse(row.times) as number[]) : [];
  }

  /**
   * Keeps a counter's times, written at once: the count survives a restart, and a request is
   * answered only once its count is stored.
   */
  setTimes(key: string, times: readonly number[], now: number) {
    this.migrate();
    this.sql.exec(
      'insert or replace into counters (key, times, updated_at) values (?, ?, ?)',
      key,
      JSON.stringify(times),
      now,
    );
  }

  /** Drops the counters of `prefix` untouched since `before`: their windows are empty again. */
  dropIdle(prefix: string, before: number) {
    if (!this.migrated) return;
    this.sql.exec('delete from counters where key like ? and updated_at < ?', `${prefix}%`, before);
  }

  private migrate() {
    if (this.migrated) return;
    migrateSchema(this.storage, SCHEMA);
    this.migrated = true;
  }
}

/** A configuration stored before a site had its abuse limits gets the defaults (as migration 0015 gave its row). */
function withLimits(state: StoredSite): StoredSite {
  return state.kind === 'configured'
    ? { kind: 'configured', config: { ...DEFAULT_SITE_LIMITS, ...state.config } }
    : state;
}
