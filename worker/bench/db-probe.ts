// The bench Worker only (entry.ts): the database round trip as the Worker sees it, on whichever transport it
// uses, for the bench. `fresh` is a `select 1` on a new handle, what a request's first query pays
// (over Hyperdrive that includes opening the connection); `warm` is a second one on the same
// handle. workerd's clock moves in whole milliseconds at each I/O, so each sample is the mean of
// `perSample` round trips back to back.
import { sql } from 'drizzle-orm';
import { closeDatabase, createDb, type DatabaseEnv, databaseTransport, type Db } from '../db/client.ts';

export type RoundTripProbe = { transport: string; perSample: number; freshMs: number[]; warmMs: number[] };

export async function probeRoundTrips(env: DatabaseEnv, samples: number, perSample: number): Promise<RoundTripProbe> {
  const freshMs: number[] = [];
  const warmMs: number[] = [];
  for (let sample = 0; sample < samples; sample++) {
    const handles: Db[] = [];
    try {
      let started = performance.now();
      for (let i = 0; i < perSample; i++) {
        const db = createDb(env);
        handles.push(db);
        await db.execute(sql`select 1`);
      }
      freshMs.push((performance.now() - started) / perSample);
      started = performance.now();
      for (const db of handles) await db.execute(sql`select 1`);
      warmMs.push((performance.now() - started) / perSample);
    } finally {
      await Promise.all(handles.map(closeDatabase));
    }
  }
  return { transport: databaseTransport(env), perSample, freshMs, warmMs };
}
