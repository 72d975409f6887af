// Versioned storage for a Durable Object's SQLite. An object's schema is a list of steps, applied in
// order, each once: the number applied is kept in the object's own `schema_version` table, and each
// step runs in one transaction with the version that records it. Steps are forward-only and never
// edited once released; a change to what an object stores is a new step at the end, which every
// object that already exists takes the next time it starts. Step 1 of each object is the schema it
// had before versions were kept, written with `if not exists`, so objects from then take it as a
// no-op and continue from there.

/** One forward step of an object's schema. */
export type SchemaStep = (sql: SqlStorage) => void;

/** Applies the steps `storage` has not had yet; returns the version it is at now (`steps.length`). */
export function migrateSchema(storage: DurableObjectStorage, steps: readonly SchemaStep[]): number {
  const { sql } = storage;
  sql.exec(
    'create table if not exists schema_version (id integer primary key check (id = 1), version integer not null)',
  );
  const current = sql.exec<{ version: number }>('select version from schema_version').toArray()[0]?.version ?? 0;
  if (current > steps.length)
    throw new Error(
      `this object's storage is at schema version ${current}, newer than this code knows (${steps.length})`,
    );
  for (let version = current + 1; version <= steps.length; version++) {
    storage.transactionSync(() => {
      steps[version - 1]!(sql);
      sql.exec('insert or replace into schema_version (id, version) values (1, ?)', version);
    });
  }
  return steps.length;
}
