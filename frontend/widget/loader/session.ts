// The visitor's session with Parley: `POST /api/widget/session` with the site key (the browser adds
// the page's Origin) returns a short-lived token, which every other widget request carries. The
// token is renewed a minute before it expires (ahead of time once the visitor has chatted on this
// page, otherwise when next needed), and a request refused with 401 renews it and is sent once more.
import type { Session, Site, Store, WidgetError } from '../types.ts';

const RENEW_BEFORE_MS = 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Refusals that another attempt on this page cannot change. */
const FINAL = new Set(['origin_not_allowed', 'site_not_found']);

type SessionBody = { token: string; expiresAt: number; visitorId: string; site: Site };

export function createSession(api: string, siteKey: string, store: Store): Session {
  let session: Promise<Site> | undefined;
  let renewal: Promise<Site> | undefined;
  let token: { value: string; renewAt: number } | undefined;
  let chatting = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const openSession = (): Promise<Site> => {
    const { visitorId } = store.read();
    const attempt = call('session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(visitorId && UUID.test(visitorId) ? { siteKey, visitorId } : { siteKey }),
    }).then(async (response) => {
      const body = (await response.json()) as SessionBody;
      // The server's clock decides expiry; a visitor's clock can be minutes off, so a lifetime that
      // looks absurd from here is taken as the usual 15 minutes (a 401 still renews in time).
      let lifetime = body.expiresAt * 1000 - Date.now();
      if (!(lifetime > 2 * RENEW_BEFORE_MS && lifetime < 86_400_000)) lifetime = 15 * 60_000;
      token = { value: body.token, renewAt: Date.now() + lifetime - RENEW_BEFORE_MS };
      store.update({ visitorId: body.visitorId, site: body.site });
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
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string } };
    if (body.error?.code) ({ code, message = '' } = body.error as { code: string; message?: string });
  } catch {
    // not JSON: keep the status
  }
  const retryAfter = Number(response.headers.get('retry-after'));
  return widgetError(response.status, code, message, retryAfter > 0 ? Math.ceil(retryAfter) : undefined);
}

function widgetError(status: number, code: string, message: string, retryAfterSeconds?: number): WidgetError {
  return Object.assign(new Error(message), { status, code, retryAfterSeconds });
}
