// A Site object's own SQLite: its one site's configuration, or the tombstone of a site removed.
// The table is made on the first write, so a key nobody ever created (a typo in a host page, a
// guess) leaves nothing stored behind its lookup.
import type { SiteConfig } from '../worker/sites/site-config.ts';

export type StoredSite = { kind: 'configured'; config: SiteConfig } | { kind: 'removed' };

export class SiteStore {
  private readonly storage: DurableObjectStorage;
  private state: StoredSite | undefined;
  private hasTable: boolean;

  constructor(storage: DurableObjectStorage) {
    this.storage = storage;
    this.hasTable =
      this.sql.exec(`select 1 from sqlite_master where type = 'table' and name = 'site'`).toArray().length > 0;
    const row = this.hasTable ? this.sql.exec<{ state: string }>('select state from site').toArray()[0] : undefined;
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
    if (!this.hasTable) {
      this.sql.exec('create table if not exists site (id integer primary key check (id = 1), state text not null)');
      this.hasTable = true;
    }
    this.sql.exec('insert or replace into site (id, state) values (1, ?)', JSON.stringify(state));
    this.state = state;
  }
}
