// When an owner's plan changes (Stripe's webhook, through the billing Worker's setTier callback),
// each of their sites whose model the new plan leaves out is switched to the plan's default model,
// in Postgres and in the site's Durable Object, with a notice on the site, and the owner gets one
// email about it. Stripe delivers events late, twice and in any order, and a failure anywhere here
// fails the event so Stripe delivers it again; so every step is safe to repeat:
// - a site is switched only if its model is still the one the plan refuses (a change the owner made
//   meanwhile wins; a model is never switched back: the owner chooses again after upgrading);
// - the objects of sites with a notice not yet emailed are configured again (an object keeps the
//   newest configuration, so this is harmless), before the email;
// - the email is claimed per notice in `notifications` before it is sent and given back if the
//   send fails, so it goes out once.
import type { SiteModelNotice } from '../../drizzle/schema.ts';
import { log } from '../log.ts';
import type { Db } from '../db/client.ts';
import { claimedPeriods, claimPeriods, releasePeriods } from '../db/notifications.ts';
import { profileEmail } from '../db/profiles.ts';
import { sitesOfOwner, switchSiteModel, type SiteRow } from '../db/sites.ts';
import { siteModelChangedEmail } from '../email/site-model-changed.ts';
import { emailConfigured, sendEmail } from '../email/resend.ts';
import { findModel } from '../providers/registry.ts';
import { configure } from './manage-sites.ts';
import { ownerPlan, planDefaultModel, planRefusesModel, siteModelId } from './site-plan.ts';

/** The `notifications.kind` of the email about a site's model; its period is the notice's `${siteId}@${at}`. */
export const SITE_MODEL_EMAIL = 'site_model_changed';

type Notified = SiteRow & { modelNotice: NonNullable<SiteRow['modelNotice']> };

/**
 * Brings the owner's sites within their plan as their Limiter now holds it (call after setTier).
 * `appOrigin` is where the email points the owner (the Sites page). Returns the sites switched now.
 */
export async function enforcePlanOnSites(env: Env, db: Db, userId: string, appOrigin: string): Promise<SiteRow[]> {
  const plan = await ownerPlan(env, userId);
  const target = planDefaultModel(env, plan);
  const at = new Date().toISOString();
  const switched: SiteRow[] = [];
  const sites = await sitesOfOwner(db, userId);
  for (const [index, site] of sites.entries()) {
    if (!target || !planRefusesModel(env, plan, site.model)) continue;
    const from = siteModelId(env, site.model)!;
    const row = await switchSiteModel(db, site.id, site.model, target.id, { from, to: target.id, tier: plan.tier, at });
    if (!row) continue;
    sites[index] = row;
    switched.push(row);
    log.info('site model switched by a plan change', { siteId: row.id, userId, from, to: target.id, tier: plan.tier });
  }
  if (switched.length === 0 && !sites.some((s) => s.modelNotice)) return switched;

  const emailed = await claimedPeriods(db, userId, SITE_MODEL_EMAIL);
  const unsent = sites.filter((s): s is Notified => !!s.modelNotice && !emailed.has(period(s.id, s.modelNotice)));
  for (const site of unsent) await configure(env, site);
  await emailOwner(env, db, userId, unsent, appOrigin);
  return switched;
}

/** One email for the notices not yet emailed; claimed first, given back (and thrown) if the send fails. */
async function emailOwner(env: Env, db: Db, userId: string, unsent: Notified[], appOrigin: string) {
  if (unsent.length === 0) return;
  if (!emailConfigured(env)) {
    log.warn('site model notices: email is not configured (set RESEND_API_KEY); shown on the Sites page only', {
      userId,
    });
    return;
  }
  const to = await profileEmail(db, userId);
  if (!to) return;
  const claimed = new Set(
    await claimPeriods(
      db,
      userId,
      SITE_MODEL_EMAIL,
      unsent.map((s) => period(s.id, s.modelNotice)),
    ),
  );
  const mine = unsent.filter((s) => claimed.has(period(s.id, s.modelNotice)));
  if (mine.length === 0) return;
  const label = (id: string) => findModel(env, id)?.label ?? id;
  const email = siteModelChangedEmail(
    mine[0]!.modelNotice.tier,
    mine.map((s) => ({ site: s.name, from: label(s.modelNotice.from), to: label(s.modelNotice.to) })),
    `${appOrigin}/sites`,
  );
  try {
    await sendEmail(env, { to, ...email, idempotencyKey: await idempotencyKey(userId, [...claimed]) });
  } catch (error) {
    await releasePeriods(db, userId, SITE_MODEL_EMAIL, [...claimed]);
    throw error;
  }
}

const period = (siteId: string, notice: SiteModelNotice) => `${siteId}@${notice.at}`;

/** Resend sends one email per key within a day: the claims it covers, hashed (keys are at most 256 characters). */
async function idempotencyKey(userId: string, periods: string[]) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(periods.sort().join('\n')));
  const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${SITE_MODEL_EMAIL}/${userId}/${hex}`;
}
