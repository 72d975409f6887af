// A Site object's own SQLite: its one site's configuration, or the tombstone of a site removed.
// Its schema is versioned (sqlite-schema.ts) but applied on the first write, so a key nobody ever
// created (a typo in a host page, a guess) leaves nothing stored behind its lookup.
import type { SiteConfig } from '../worker/sites/site-config.ts';
import { migrateSchema, type SchemaStep } from './sqlite-schema.ts';

export type StoredSite = { kind: 'configured'; config: SiteConfig } | { kind: 'removed' };

/** The Site's schema, version by version: never edit a released step, add one. */
const SCHEMA: readonly SchemaStep[] = [
  // 1: the site's state, one row (the table an object made lazily before versions were kept).
  (sql) => {
    sql.exec('create table if not exists site (id integer primary key check (id = 1), state text not null)');
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
    this.state = row ? (JSON.parse(row.state) as StoredSite) : undefined;
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

  private migrate() {
    if (this.migrated) return;
    migrateSchema(this.storage, SCHEMA);
    this.migrated = true;
  }
}
