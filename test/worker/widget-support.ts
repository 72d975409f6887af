// Helpers for the sites and widget suites: an owner's site, a visitor's session, and requests from
// a host page (with the Origin header a browser would send).
import { call } from './helpers.ts';

export type SiteJson = {
  id: string;
  name: string;
  publicKey: string;
  allowedOrigins: string[];
  model: string | null;
  systemPrompt: string | null;
  greeting: string | null;
  theme: { color: string; position: string; scheme: string };
  visitorRequestsPerMinute: number;
  sessionsPerIpPerMinute: number;
  conversationsPerVisitorPerHour: number;
  dailyTokenBudget: number;
  turnstile: { siteKey: string } | null;
  createdAt: string;
  updatedAt: string;
};
export type SessionJson = {
  token: string;
  expiresAt: number;
  visitorId: string;
  credential: string;
  credentialExpiresAt: number;
  returning: boolean;
  site: { name: string; greeting: string | null; theme: SiteJson['theme']; model: { id: string; label: string } };
};

export const HOST = 'https://shop.example';

/** POST /api/sites as the owner; the created site. */
export async function createSite(token: string, body: Record<string, unknown> = {}) {
  const res = await call('/api/sites', {
    method: 'POST',
    token,
    body: JSON.stringify({ name: 'Shop', allowedOrigins: [HOST], ...body }),
  });
  if (res.status !== 201) throw new Error(`creating a site failed: ${res.status} ${await res.text()}`);
  return res.json<SiteJson>();
}

/** POST /api/widget/session from a page on `origin` (none: no Origin header), with `fields` beside the site key (credential, turnstileToken) and extra `headers` (CF-Connecting-IP). */
export function requestSession(
  siteKey: string,
  origin: string | undefined,
  fields: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  return call('/api/widget/session', {
    method: 'POST',
    headers: { ...headers, ...(origin ? { origin } : {}) },
    body: JSON.stringify({ siteKey, ...fields }),
  });
}

/** A visitor's session, which must succeed. */
export async function visit(siteKey: string, origin = HOST, fields: Record<string, unknown> = {}) {
  const res = await requestSession(siteKey, origin, fields);
  if (res.status !== 200) throw new Error(`widget session failed: ${res.status} ${await res.text()}`);
  return { ...(await res.json<SessionJson>()), origin };
}

type Visitor = { token: string; origin: string };

/** A request to /api/widget/<path> as the visitor, from their origin unless `origin` says otherwise. */
export function widgetCall(visitor: Visitor, path: string, init: RequestInit & { origin?: string | null } = {}) {
  const { origin, ...rest } = init;
  const headers = new Headers(rest.headers);
  const from = origin === undefined ? visitor.origin : origin;
  if (from) headers.set('origin', from);
  return call(`/api/widget/${path}`, { ...rest, headers, token: visitor.token });
}

/** POST /api/widget/conversations; the new conversation's id. */
export async function visitorConversation(visitor: Visitor) {
  const res = await widgetCall(visitor, 'conversations', { method: 'POST' });
  if (res.status !== 201) throw new Error(`creating a visitor conversation failed: ${res.status} ${await res.text()}`);
  return (await res.json<{ id: string }>()).id;
}

export function visitorSend(visitor: Visitor, conversationId: string, content: string) {
  return widgetCall(visitor, `conversations/${conversationId}/messages`, {
    method: 'POST',
    body: JSON.stringify({ content }),
  });
}
