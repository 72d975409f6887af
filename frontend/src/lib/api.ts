// Every call the front end makes to the Worker. Errors arrive as the API's envelope and are thrown
// as ApiError, so components can say what happened in words. The access token comes from auth.ts,
// refreshed first when it is about to expire.
import { accessToken, sessionExpired } from './auth.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** A request with the session's bearer token; the raw Response, for streams. */
export async function send(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const token = await accessToken();
  if (token) headers.set('authorization', `Bearer ${token}`);
  if (init.body) headers.set('content-type', 'application/json');
  const res = await fetch(path, { ...init, headers });
  if (!res.ok) throw await errorOf(res);
  return res;
}

async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await send(path, init);
  return (res.status === 204 ? null : await res.json()) as T;
}

async function errorOf(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  const retryAfter = Number(res.headers.get('retry-after')) || undefined;
  if (res.status === 401) sessionExpired();
  return new ApiError(
    res.status,
    body?.error?.code ?? 'http_error',
    body?.error?.message ?? `The server answered ${res.status}`,
    retryAfter,
  );
}

const json = (method: string, body?: unknown): RequestInit => ({
  method,
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

export type Config = {
  authMode: 'dev' | 'supabase';
  supabase: { url: string; publishableKey: string } | null;
  billing: boolean;
  version: string;
};
export type Plan = {
  monthlyTokens: number | null;
  requestsPerMinute: number;
  concurrentStreams: number;
  maxOutputPricePerMillion: number | null;
};
export type Me = {
  id: string;
  email: string | null;
  tier: 'free' | 'pro' | 'enterprise';
  plan: Plan;
  quota: { limit: number | null; used: number; reserved: number; resetsAt: string };
};
export type Model = {
  id: string;
  provider: string;
  label: string;
  contextWindow: number;
  maxOutputTokens: number;
  price: { inputPerMillionTokens: number; outputPerMillionTokens: number };
  default: boolean;
  offline?: boolean;
};
export type Conversation = {
  id: string;
  title: string | null;
  model: string | null;
  systemPrompt: string | null;
  createdAt: string;
  updatedAt: string;
  /** Set on a widget visitor's conversation (read-only to the owner). */
  siteId?: string | null;
  visitorId?: string | null;
};
export type MessageStatus = 'streaming' | 'complete' | 'stopped' | 'error';
export type Message = {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  model: string | null;
  provider: string | null;
  status: MessageStatus;
  stopReason: string | null;
  errorCode: string | null;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  costUsd: string;
  timeToFirstTokenMs: number | null;
  durationMs: number | null;
  createdAt: string;
  completedAt: string | null;
};
export type Page<T> = { items: T[]; nextCursor: string | null };
export type UsageDay = {
  day: string;
  model: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: string;
};
export type Usage = { from: string; to: string; days: UsageDay[]; totals: Omit<UsageDay, 'day' | 'model'> };
export type SiteTheme = { color: string; position: 'bottom-right' | 'bottom-left'; scheme: 'auto' | 'light' | 'dark' };
export type Site = {
  id: string;
  name: string;
  publicKey: string;
  allowedOrigins: string[];
  model: string | null;
  systemPrompt: string | null;
  greeting: string | null;
  theme: SiteTheme;
  visitorRequestsPerMinute: number;
  createdAt: string;
  updatedAt: string;
};
export type SiteInput = Partial<
  Pick<Site, 'name' | 'allowedOrigins' | 'model' | 'systemPrompt' | 'greeting' | 'theme' | 'visitorRequestsPerMinute'>
>;
export type ApiKey = { id: string; name: string; prefix: string; createdAt: string; lastUsedAt: string | null };

const conversationPath = (id: string) => `/api/conversations/${encodeURIComponent(id)}`;

export const api = {
  config: () => request<Config>('/api/config'),
  devSignIn: (email: string) =>
    request<{ accessToken: string; expiresAt: number; user: { id: string; email: string } }>(
      '/api/dev/session',
      json('POST', { email }),
    ),
  me: () => request<Me>('/api/me'),
  models: () => request<{ models: Model[] }>('/api/models'),

  conversations: (query: { q?: string; cursor?: string | null; limit?: number } = {}) => {
    const params = new URLSearchParams();
    if (query.q) params.set('q', query.q);
    if (query.cursor) params.set('cursor', query.cursor);
    params.set('limit', String(query.limit ?? 30));
    return request<Page<Conversation>>(`/api/conversations?${params}`);
  },
  createConversation: (body: { model?: string } = {}) =>
    request<Conversation>('/api/conversations', json('POST', body)),
  conversation: (id: string) => request<Conversation & { messages: Message[] }>(conversationPath(id)),
  updateConversation: (id: string, patch: { title?: string; model?: string }) =>
    request<Conversation>(conversationPath(id), json('PATCH', patch)),
  deleteConversation: (id: string) => request<null>(conversationPath(id), { method: 'DELETE' }),
  /** The reply's event stream. */
  sendMessage: (id: string, content: string, model?: string) =>
    send(`${conversationPath(id)}/messages`, json('POST', { content, model })),
  regenerate: (id: string, model?: string) =>
    send(`${conversationPath(id)}/regenerate`, json('POST', model ? { model } : {})),
  /** The in-flight reply after `lastEventId` (all of it without one); 204 when none is running. */
  resume: (id: string, lastEventId?: string) =>
    send(`${conversationPath(id)}/stream`, lastEventId ? { headers: { 'last-event-id': lastEventId } } : {}),
  stop: (id: string) => request<{ stopped: boolean }>(`${conversationPath(id)}/stop`, { method: 'POST' }),

  usage: (from: string, to: string) => request<Usage>(`/api/usage?from=${from}&to=${to}`),
  checkout: () => request<{ url: string }>('/api/billing/checkout', { method: 'POST' }),
  portal: () => request<{ url: string }>('/api/billing/portal', { method: 'POST' }),

  keys: () => request<{ items: ApiKey[] }>('/api/keys'),
  createKey: (name: string) => request<ApiKey & { key: string }>('/api/keys', json('POST', { name })),
  revokeKey: (id: string) => request<null>(`/api/keys/${encodeURIComponent(id)}`, { method: 'DELETE' }),

  sites: () => request<{ items: Site[] }>('/api/sites'),
  createSite: (site: SiteInput) => request<Site>('/api/sites', json('POST', site)),
  updateSite: (id: string, patch: SiteInput) =>
    request<Site>(`/api/sites/${encodeURIComponent(id)}`, json('PATCH', patch)),
  deleteSite: (id: string) => request<null>(`/api/sites/${encodeURIComponent(id)}`, { method: 'DELETE' }),
};
