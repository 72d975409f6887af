import { AppError } from '../errors.ts';
import { contextRequestId, log } from '../log.ts';
import type { SiteAdmission } from './site-config.ts';

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
