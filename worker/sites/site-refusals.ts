// The one way any refusal of a widget visitor is counted for the site's owner (the Sites page's
// refusals by day and reason): the owner's Limiter keeps the running totals and publishes them with
// the others (worker/usage/site-refusal-count.ts). The Limiter counts its own refusals of visitors
// itself; every other path (the site's object refusing an origin, and any refusal added later)
// calls this with its error code as the reason.
import { userLimiter } from '../usage/limiters.ts';
import { log } from '../log.ts';

/**
 * Counts one refusal of a visitor of `site` (its id and its owner's) under `reason` (a snake_case
 * code: origin_not_allowed, …). Never throws, and costs the refusal no Postgres round trip: a count
 * the Limiter could not take is logged and lost, never the refusal's answer.
 */
export async function countSiteRefusal(
  env: Pick<Env, 'LIMITER'>,
  site: { id: string; ownerId: string },
  reason: string,
): Promise<void> {
  try {
    await userLimiter(env, site.ownerId).countSiteRefusal(site.ownerId, site.id, reason);
  } catch (error) {
    log.warn('site refusal not counted', { siteId: site.id, reason }, error);
  }
}
