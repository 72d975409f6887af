import { AppError, refusalError } from '../errors.ts';
import { contextRequestId, log } from '../log.ts';
import type { SiteAdmission, SiteCounted } from './site-config.ts';
import { UNKNOWN_IP, type SiteCounter } from './site-limits.ts';

/** The Site object of a public key: exactly one per site, anywhere. */
export function siteObject(env: Pick<Env, 'SITE'>, publicKey: string) {
  return env.SITE.get(env.SITE.idFromName(publicKey));
}

/** The site's settings for a visitor on `origin`, from its object; its refusal (404, 403, 503) as the error envelope. */
/**
 * The site, if a visitor on `origin` may use its widget. `parleyOrigin` (Parley's own, where the
 * owner previews the widget on the Sites page) is always allowed: only Parley serves pages there.
 */
export async function admitVisitor(env: Pick<Env, 'SITE'>, publicKey: string, origin: string, parleyOrigin: string) {
  let admission: SiteAdmission;
  try {
    admission = await siteObject(env, publicKey).admit(publicKey, origin, parleyOrigin, contextRequestId());
  } catch (cause) {
    log.error('site object unavailable', {}, cause);
    throw new AppError(503, 'widget_unavailable', 'This chat is not available right now: try again shortly', { cause });
  }
  if (!admission.ok) throw new AppError(admission.status, admission.code, admission.message);
  return admission.site;
}

/**
 * One more widget session from `ip` (CF-Connecting-IP; without it, as in local development, every
 * request shares one "unknown" address), if the site's sessions-per-minute limit allows it: 429
 * site_session_rate_limited with Retry-After otherwise.
 */
export function countSession(env: Pick<Env, 'SITE'>, publicKey: string, ip: string | undefined) {
  return count(env, publicKey, { kind: 'session', ip: ip?.trim() || UNKNOWN_IP });
}

/** One more conversation for this visitor, if the site's conversations-per-hour limit allows it: 429 visitor_conversation_limit otherwise. */
export function countConversation(env: Pick<Env, 'SITE'>, publicKey: string, visitorId: string) {
  return count(env, publicKey, { kind: 'conversation', visitorId });
}

async function count(env: Pick<Env, 'SITE'>, publicKey: string, counter: SiteCounter): Promise<void> {
  let counted: SiteCounted;
  try {
    counted = await siteObject(env, publicKey).count(publicKey, counter, contextRequestId());
  } catch (cause) {
    log.error('site object unavailable', {}, cause);
    throw new AppError(503, 'widget_unavailable', 'This chat is not available right now: try again shortly', { cause });
  }
  if (!counted.ok) throw refusalError(counted);
}
