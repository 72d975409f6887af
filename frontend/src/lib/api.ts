// Every call the front end makes to the Worker. Errors arrive as the API's envelope and are
// thrown as ApiError so components can show the message in words.
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

const TOKEN_KEY = 'parley.accessToken';
export const session = {
  token: () => localStorage.getItem(TOKEN_KEY),
  save: (token: string) => localStorage.setItem(TOKEN_KEY, token),
  clear: () => localStorage.removeItem(TOKEN_KEY),
};

async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  const token = session.token();
  if (token) headers.set('authorization', `Bearer ${token}`);
  if (init.body) headers.set('content-type', 'application/json');
  const res = await fetch(path, { ...init, headers });
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    const error = body?.error ?? { code: 'http_error', message: `The server answered ${res.status}` };
    throw new ApiError(res.status, error.code, error.message);
  }
  return body as T;
}

export type Health = { ok: boolean; db: 'up' | 'down'; version: string };
export type Me = {
  id: string;
  email: string | null;
  tier: 'free' | 'pro' | 'enterprise';
  quota: { limit: number | null; used: number; resetsAt: string };
};

export const api = {
  health: () => request<Health>('/api/health'),
  me: () => request<Me>('/api/me'),
  devSignIn: (email: string) =>
    request<{ accessToken: string }>('/api/dev/session', { method: 'POST', body: JSON.stringify({ email }) }),
};
