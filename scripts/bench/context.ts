// What every phase needs: Parley signed in (and its API key), and the fake upstream to compare it with.
import type { Parley } from './parley.ts';
import type { V1 } from './v1-api.ts';

export type BenchContext = {
  parley: Parley;
  /** The same user's API key, for /v1. */
  v1: V1;
  /** The fake upstreams' base URL, `http://127.0.0.1:PORT`. */
  fakeUrl: string;
};

/** Throws with the first failed result's error: a phase measures only replies that arrived. */
export function assertAllOk(
  label: string,
  results: { status: number; error: string | undefined; ttftMs: number | undefined }[],
) {
  const failed = results.find((r) => r.error || r.ttftMs === undefined);
  if (failed)
    throw new Error(`${label}: a request failed (HTTP ${failed.status}): ${failed.error ?? 'no token arrived'}`);
}
