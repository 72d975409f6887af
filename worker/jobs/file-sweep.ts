// The orphan sweep (hourly, issue 24): uploads never attached to a message are deleted a day after
// they were made (their owner's Limiter decides, since only it knows every reference, and deletes
// the object and the row behind), and R2 objects that neither a row nor their owner's Limiter
// knows, a day old or more, are deleted (left by a failure between the object's put and its count).
import type { Db } from '../db/client.ts';
import { existingFiles, ownersOfUnattached } from '../db/files.ts';
import { userLimiter } from '../usage/limiters.ts';
import { fileKey } from '../files/types.ts';

/** How long an upload may wait to be attached to a message. */
export const UNATTACHED_TTL_MS = 24 * 60 * 60_000;
const LIST_PAGE = 1000;

export async function sweepFiles(env: Pick<Env, 'FILES' | 'LIMITER'>, db: Db, now: Date) {
  const before = now.getTime() - UNATTACHED_TTL_MS;
  let unattached = 0;
  const owners = await ownersOfUnattached(db, new Date(before));
  for (const userId of owners) unattached += await userLimiter(env, userId).sweepFiles(userId, before);

  let strays = 0;
  let cursor: string | undefined;
  do {
    const page = await env.FILES.list({ prefix: 'users/', limit: LIST_PAGE, ...(cursor ? { cursor } : {}) });
    const byOwner = new Map<string, string[]>();
    for (const object of page.objects) {
      const [, userId, id] = object.key.split('/');
      if (!userId || !id || object.uploaded.getTime() >= before) continue;
      byOwner.set(userId, [...(byOwner.get(userId) ?? []), id]);
    }
    for (const [userId, ids] of byOwner) {
      const rows = await existingFiles(db, userId, ids);
      const rowless = ids.filter((id) => !rows.has(id));
      if (rowless.length === 0) continue;
      const known = new Set(await userLimiter(env, userId).knownFiles(userId, rowless));
      const stray = rowless.filter((id) => !known.has(id));
      if (stray.length > 0) await env.FILES.delete(stray.map((id) => fileKey(userId, id)));
      strays += stray.length;
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return { owners: owners.length, unattached, strays };
}
