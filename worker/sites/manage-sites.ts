// Creating, changing and deleting sites: Postgres keeps the record, the site's Durable Object what
// visitors' requests read. Create and change write Postgres first, then configure the object; a
// deletion reaches the object first (as an API key's revocation reaches the Limiter first), so the
// widget stops the moment DELETE returns, and a deletion the object missed can simply be repeated.
// When the object cannot be reached the answer is 503 and the owner retries: nothing is left half
// done that a retry would not finish.
import { AppError, badRequest, notFound } from '../errors.ts';
import type { Db } from '../db/client.ts';
import type { UserClaims } from '../db/as-user.ts';
import { ensureProfile } from '../db/profiles.ts';
import {
  deleteSite as deleteSiteRow,
  findSite,
  insertSite,
  updateSite as updateSiteRow,
  type SitePatch,
} from '../db/sites.ts';
import { findModel, modelNotAvailable } from '../providers/registry.ts';
import { generateSiteKey } from './public-key.ts';
import { assertModelInPlan, ownerPlan } from './site-plan.ts';
import { siteObject } from './site-objects.ts';
import { DEFAULT_THEME, DEFAULT_SITE_LIMITS, siteConfig, type SiteRow, type SiteTheme } from './site-config.ts';
import { log } from '../log.ts';

type Owner = { userId: string; email?: string; claims: UserClaims };
/** Turnstile as the owner sends it: on with a site key and secret (a change may keep the stored secret), or null: off. */
export type TurnstileInput = { siteKey: string; secretKey?: string | undefined } | null;
export type SiteChange = Omit<SitePatch, 'turnstileSiteKey' | 'turnstileSecret'> & { turnstile?: TurnstileInput };
export type SiteInput = Omit<SiteChange, 'name' | 'allowedOrigins'> & { name: string; allowedOrigins: string[] };

export async function createSite(env: Env, db: Db, owner: Owner, input: SiteInput): Promise<SiteRow> {
  assertModel(env, input.model);
  assertModelInPlan(env, await ownerPlan(env, owner.userId), input.model);
  await ensureProfile(db, owner.userId, owner.email);
  const row = await insertSite(db, owner.claims, {
    name: input.name,
    publicKey: generateSiteKey(),
    allowedOrigins: input.allowedOrigins,
    model: input.model ?? null,
    systemPrompt: input.systemPrompt ?? null,
    greeting: input.greeting || null,
    theme: { ...DEFAULT_THEME, ...input.theme } satisfies SiteTheme,
    retentionDays: input.retentionDays ?? null,
    visitorRequestsPerMinute: input.visitorRequestsPerMinute ?? DEFAULT_SITE_LIMITS.visitorRequestsPerMinute,
    sessionsPerIpPerMinute: input.sessionsPerIpPerMinute ?? DEFAULT_SITE_LIMITS.sessionsPerIpPerMinute,
    conversationsPerVisitorPerHour:
      input.conversationsPerVisitorPerHour ?? DEFAULT_SITE_LIMITS.conversationsPerVisitorPerHour,
    dailyTokenBudget: input.dailyTokenBudget ?? DEFAULT_SITE_LIMITS.dailyTokenBudget,
    ...turnstileColumns(input.turnstile, false),
  });
  try {
    await configure(env, row);
  } catch (error) {
    // Its key was never shown: take the row back rather than list a site that does not work.
    await deleteSiteRow(db, owner.claims, row.id).catch(() => undefined);
    throw error;
  }
  return row;
}

export async function updateSite(env: Env, db: Db, owner: Owner, id: string, change: SiteChange): Promise<SiteRow> {
  assertModel(env, change.model);
  // Only a model being set is checked: a site whose plan changed under it can still be renamed.
  if (change.model !== undefined) assertModelInPlan(env, await ownerPlan(env, owner.userId), change.model);
  const { turnstile, ...patch } = change;
  // A new Turnstile site key alone keeps the stored secret, if there is one.
  const hasSecret =
    turnstile && !turnstile.secretKey ? Boolean((await findSite(db, owner.claims, id))?.turnstileSiteKey) : false;
  const row = await updateSiteRow(db, owner.claims, id, {
    ...patch,
    ...(patch.greeting === '' ? { greeting: null } : {}),
    // The owner chose the model: a notice that a plan change had chosen it is over.
    ...(patch.model !== undefined ? { modelNotice: null } : {}),
    ...turnstileColumns(turnstile, hasSecret),
  });
  if (!row) throw siteNotFound();
  await configure(env, row);
  return row;
}

export async function deleteSite(env: Env, db: Db, owner: Owner, id: string): Promise<void> {
  const row = await findSite(db, owner.claims, id);
  if (!row) throw siteNotFound();
  try {
    await siteObject(env, row.publicKey).remove();
  } catch (error) {
    throw sitesUnavailable(error);
  }
  await deleteSiteRow(db, owner.claims, id);
}

/** The site's object takes the row as it is now; 404 when the site was deleted meanwhile. */
export async function configure(env: Env, row: SiteRow) {
  const result = await siteObject(env, row.publicKey)
    .configure(siteConfig(row))
    .catch((error: unknown) => {
      throw sitesUnavailable(error);
    });
  if (!result.ok) throw siteNotFound();
}

/** The columns a Turnstile setting writes; 400 turnstile_secret_required when turned on without a secret. */
function turnstileColumns(turnstile: TurnstileInput | undefined, hasSecret: boolean): SitePatch {
  if (turnstile === undefined) return {};
  if (turnstile === null) return { turnstileSiteKey: null, turnstileSecret: null };
  if (turnstile.secretKey) return { turnstileSiteKey: turnstile.siteKey, turnstileSecret: turnstile.secretKey };
  if (hasSecret) return { turnstileSiteKey: turnstile.siteKey };
  throw badRequest(
    "Turnstile needs the widget's secret key too (turnstile.secretKey): find it beside the site key in Cloudflare's dashboard",
    'turnstile_secret_required',
  );
}

function assertModel(env: Env, model: string | null | undefined) {
  if (model && !findModel(env, model)) throw badRequest(modelNotAvailable(model), 'unknown_model');
}

const siteNotFound = () => notFound('Site not found');

function sitesUnavailable(cause: unknown) {
  log.error('site object unavailable', {}, cause);
  return new AppError(503, 'sites_unavailable', 'The site could not be changed right now: try again shortly', {
    cause,
  });
}
