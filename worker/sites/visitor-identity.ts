// Who a widget visitor is, decided by Parley alone: a session names its visitor from the visitor
// credential it presents (worker/auth/visitor-credential.ts), or mints a new visitor. Nothing a
// request body says about a visitor id is believed. A site with Turnstile on asks a new visitor
// (or one whose credential predates the check) to pass it first; a returning visitor who passed
// it once is not asked again while their credential lasts, so the widget can renew its 15-minute
// token in the background.
import type { CredentialClaims } from '../auth/visitor-credential.ts';
import {
  VISITOR_CREDENTIAL_SECONDS,
  credentialForAnotherSite,
  readVisitorCredential,
  signVisitorCredential,
} from '../auth/visitor-credential.ts';
import type { SiteConfig } from './site-config.ts';
import { turnstileRequired, verifyTurnstile, type TurnstileEnv } from './turnstile.ts';

export type VisitorIdentity = {
  visitorId: string;
  /** The credential the widget keeps: the one presented while it has more than half its life left, else a new one. */
  credential: string;
  credentialExpiresAt: number;
  /** False when the visitor is new: no credential, or one expired or not valid (tampered with, another secret's). */
  returning: boolean;
};

export type IdentityRequest = { credential?: string; turnstileToken?: string; remoteIp?: string };

/**
 * The session's visitor. 401 visitor_credential_wrong_site for another site's credential; 403
 * turnstile_required / turnstile_failed when the site's Turnstile check is due and not passed. An
 * expired or invalid credential is no error: its holder is a new visitor.
 */
export async function identifyVisitor(
  env: TurnstileEnv,
  key: CryptoKey,
  site: Pick<SiteConfig, 'id' | 'turnstile'>,
  request: IdentityRequest,
  now = Math.floor(Date.now() / 1000),
): Promise<VisitorIdentity> {
  let known: CredentialClaims | undefined;
  if (request.credential) {
    const read = await readVisitorCredential(key, request.credential, now);
    if (typeof read === 'object') {
      if (read.siteId !== site.id) throw credentialForAnotherSite();
      known = read;
    }
  }
  let passed = known?.turnstile ?? false;
  if (site.turnstile && !passed) {
    if (!request.turnstileToken) throw turnstileRequired(env, site.turnstile);
    await verifyTurnstile(env, site.turnstile, request.turnstileToken, request.remoteIp);
    passed = true;
  }
  if (
    known &&
    request.credential &&
    known.turnstile === passed &&
    known.expiresAt - now > VISITOR_CREDENTIAL_SECONDS / 2
  )
    return {
      visitorId: known.visitorId,
      credential: request.credential,
      credentialExpiresAt: known.expiresAt,
      returning: true,
    };
  const visitorId = known?.visitorId ?? crypto.randomUUID();
  const minted = await signVisitorCredential(key, { visitorId, siteId: site.id, turnstile: passed }, now);
  return {
    visitorId,
    credential: minted.credential,
    credentialExpiresAt: minted.expiresAt,
    returning: Boolean(known),
  };
}
