// What only the running Worker can do for the seed: sign in (dev session), and create API keys
// (the owner's Limiter must know them) and a widget site (its SiteConfig object) through the API.
// Keys and sites are found by name first, so a rerun creates nothing.
import { SEED_API_KEYS, SEED_SITE } from './content.ts';

/** The stack is not there, or not as the seed needs it: the message says what to do. */
export class SeedError extends Error {}

type Json = Record<string, unknown>;

export class ParleyApi {
  private token = '';
  readonly baseUrl: string;
  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }

  /** Throws a SeedError saying to run `npm start` when nothing answers, or answers unhealthy. */
  async checkHealth(): Promise<void> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}/api/health`, { signal: AbortSignal.timeout(10_000) });
    } catch (error) {
      throw new SeedError(
        `Parley is not running at ${this.baseUrl} (${causeOf(error)}). Start the stack with \`npm start\` in another terminal, wait for its URL, then run \`npm run seed\` again (PARLEY_URL points elsewhere).`,
      );
    }
    if (!response.ok) {
      throw new SeedError(
        `Parley at ${this.baseUrl} answers /api/health with ${response.status} (${await response.text()}): is its database up? \`npm start\` runs both.`,
      );
    }
  }

  /** Signs in as `email` with the dev session; returns the user id the Worker derives for it. */
  async signIn(email: string): Promise<string> {
    const response = await fetch(`${this.baseUrl}/api/dev/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email }),
    });
    if (!response.ok) {
      throw new SeedError(
        `POST /api/dev/session answered ${response.status}: the seed signs in with the dev session, which needs AUTH_MODE=dev (as \`npm start\` runs the Worker).`,
      );
    }
    const session = (await response.json()) as { accessToken: string; user: { id: string } };
    this.token = session.accessToken;
    return session.user.id;
  }

  /** The seed's API keys that do not exist yet (by name, among the live ones); returns how many were created. Secrets are never kept or printed. */
  async ensureKeys(names = SEED_API_KEYS): Promise<number> {
    const { items } = await this.call<{ items: Array<{ name: string }> }>('GET', '/api/keys');
    const missing = names.filter((name) => !items.some((key) => key.name === name));
    for (const name of missing) await this.call('POST', '/api/keys', { name });
    return missing.length;
  }

  /** The seed's widget site, unless a site of that name exists; returns how many were created (0 or 1). */
  async ensureSite(site = SEED_SITE): Promise<number> {
    const { items } = await this.call<{ items: Array<{ name: string }> }>('GET', '/api/sites');
    if (items.some((existing) => existing.name === site.name)) return 0;
    await this.call('POST', '/api/sites', site);
    return 1;
  }

  async call<T = Json>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok)
      throw new SeedError(`${method} ${path} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
    return (await response.json()) as T;
  }
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
