// The visitor's session with Parley: `POST /api/widget/session` with the site key (the browser adds
// the page's Origin) and the visitor credential kept from the last session (none: Parley makes a new
// visitor) returns a short-lived token, which every other widget request carries, and the credential
// to keep (the same, or a renewed one). A site with Turnstile on refuses a new visitor until the
// panel has shown its challenge and `verify` sends the token (403 turnstile_required). The
// token is renewed a minute before it expires (ahead of time once the visitor has chatted on this
// page, otherwise when next needed), and a request refused with 401 renews it and is sent once more.
import type { Session, Site, Store, WidgetError } from '../types.ts';

const RENEW_BEFORE_MS = 60_000;
/** Refusals that another attempt on this page cannot change. */
const FINAL = new Set(['origin_not_allowed', 'site_not_found']);

type SessionBody = { token: string; expiresAt: number; credential: string; returning: boolean; site: Site };

export function createSession(api: string, siteKey: string, store: Store): Session {
  let session: Promise<Site> | undefined;
  let renewal: Promise<Site> | undefined;
  let token: { value: string; renewAt: number } | undefined;
  let chatting = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const post = (turnstileToken: string | undefined, credential = store.read().credential): Promise<Response> =>
    call('session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ siteKey, credential, turnstileToken }),
    }).catch((error: WidgetError) => {
      // Another site's credential (a copied storage entry): forget it and come as a new visitor, once.
      if (credential && error.code === 'visitor_credential_wrong_site') {
        store.update({ credential: undefined });
        return post(turnstileToken, undefined);
      }
      throw error;
    });

  const openSession = (turnstileToken?: string): Promise<Site> => {
    const attempt = post(turnstileToken).then(async (response) => {
      const body = (await response.json()) as SessionBody;
      // The server's clock decides expiry; a visitor's clock can be minutes off, so a lifetime that
      // looks absurd from here is taken as the usual 15 minutes (a 401 still renews in time).
      let lifetime = body.expiresAt * 1000 - Date.now();
      if (!(lifetime > 2 * RENEW_BEFORE_MS && lifetime < 86_400_000)) lifetime = 15 * 60_000;
      token = { value: body.token, renewAt: Date.now() + lifetime - RENEW_BEFORE_MS };
      // A new visitor (no credential, or one expired or not valid) has none of the stored conversation.
      const forgotten = body.returning ? {} : { conversationId: undefined, reply: undefined };
      store.update({ credential: body.credential, visitorId: undefined, site: body.site, ...forgotten });
      schedule();
      return body.site;
    });
    session = attempt;
    attempt.catch((error: WidgetError) => {
      if (FINAL.has(error.code)) store.update({ site: undefined });
      // A network failure or a server error may pass: the next start() tries again.
      else if (session === attempt) session = undefined;
    });
    return attempt;
  };

  const renew = () => (renewal ??= openSession().finally(() => (renewal = undefined)));

  const schedule = () => {
    clearTimeout(timer);
    if (chatting && token)
      timer = setTimeout(() => void renew().catch(() => undefined), Math.max(0, token.renewAt - Date.now()));
  };

  const currentToken = async (): Promise<string> => {
    await (session ?? openSession());
    if (!token || Date.now() >= token.renewAt) await renew();
    return token!.value;
  };

  const call = async (path: string, init: RequestInit, bearer?: string): Promise<Response> => {
    const headers = new Headers(init.headers);
    if (bearer) headers.set('authorization', `Bearer ${bearer}`);
    let response: Response;
    try {
      response = await fetch(`${api}${path}`, { ...init, headers, credentials: 'omit' });
    } catch (error) {
      if (init.signal?.aborted) throw error;
      throw widgetError(0, 'network', String(error));
    }
    if (response.ok) return response;
    throw await refusal(response);
  };

  return {
    start: () => session ?? openSession(),
    verify: (turnstileToken) => openSession(turnstileToken),
    async request(path, init = {}) {
      if (!chatting) {
        chatting = true;
        schedule();
      }
      const used = await currentToken();
      try {
        return await call(path, init, used);
      } catch (error) {
        if ((error as WidgetError).status !== 401) throw error;
        // Renew unless another request already has; then once more, and no more.
        if (token?.value === used) await renew();
        return call(path, init, token!.value);
      }
    },
  };
}

/** The error envelope as a WidgetError, with Retry-After in seconds when the server sent one. */
async function refusal(response: Response): Promise<WidgetError> {
  let code = `http_${response.status}`;
  let message = response.statusText;
  let turnstile: WidgetError['turnstile'];
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string; turnstile?: unknown } };
    if (body.error?.code) ({ code, message = '' } = body.error as { code: string; message?: string });
    const challenge = body.error?.turnstile as WidgetError['turnstile'];
    if (challenge?.siteKey && challenge.script) turnstile = { siteKey: challenge.siteKey, script: challenge.script };
  } catch {
    // not JSON: keep the status
  }
  const retryAfter = Number(response.headers.get('retry-after'));
  return Object.assign(
    widgetError(response.status, code, message, retryAfter > 0 ? Math.ceil(retryAfter) : undefined),
    {
      turnstile,
    },
  );
}

function widgetError(status: number, code: string, message: string, retryAfterSeconds?: number): WidgetError {
  return Object.assign(new Error(message), { status, code, retryAfterSeconds });
}
