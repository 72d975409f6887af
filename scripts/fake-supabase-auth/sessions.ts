// Sessions and their refresh tokens, rotated as GoTrue rotates its (legacy, 12-character) refresh
// tokens (internal/tokens/service.go, RefreshTokenGrant): each use revokes the token and issues its
// child. Presenting the parent of the session's live token again returns that live token (the
// client failed to store the last answer); any other revoked token, outside the reuse interval
// (GoTrue's default: 0 s; hosted projects: 10 s), is reuse: the whole family is revoked and the
// request refused as `refresh_token_already_used`. Logout deletes sessions and their tokens.
import { randomInt, randomUUID } from 'node:crypto';
import { badRequest } from './errors.ts';

const LEGACY_TOKEN = /^[a-z0-9]{12}$/;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export type Session = { id: string; userId: string; createdAt: number; amr: { method: string; timestamp: number }[] };
type RefreshToken = { token: string; sessionId: string; parent?: string; revoked: boolean; updatedAt: number };
export type LogoutScope = 'global' | 'local' | 'others';

export class Sessions {
  readonly #sessions = new Map<string, Session>();
  readonly #tokens = new Map<string, RefreshToken>();
  readonly #reuseIntervalSeconds: () => number;

  constructor(reuseIntervalSeconds: () => number) {
    this.#reuseIntervalSeconds = reuseIntervalSeconds;
  }

  get(id: string): Session | undefined {
    return this.#sessions.get(id);
  }

  /** A new session for a sign-in, with its first refresh token. */
  start(userId: string, method: string): { session: Session; refreshToken: string } {
    const now = Date.now();
    const session: Session = {
      id: randomUUID(),
      userId,
      createdAt: now,
      amr: [{ method, timestamp: Math.floor(now / 1000) }],
    };
    this.#sessions.set(session.id, session);
    return { session, refreshToken: this.#issue(session.id) };
  }

  /** The refresh token grant: the session and the refresh token to hand back. */
  refresh(presented: string): { session: Session; refreshToken: string } {
    if (!LEGACY_TOKEN.test(presented)) throw badRequest('validation_failed', 'Refresh token is not valid');
    const token = this.#tokens.get(presented);
    const session = token && this.#sessions.get(token.sessionId);
    if (!token || !session)
      throw badRequest('refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
    if (token.revoked) {
      const live = this.#family(session.id).find((each) => !each.revoked);
      if (live?.parent === token.token) return { session, refreshToken: live.token };
      // Reuse is allowed only strictly within the interval, as GoTrue's `time.Since(updatedAt) < interval`:
      // with an interval of 0 a revoked token is always refused, even within the same millisecond.
      if (Date.now() - token.updatedAt >= this.#reuseIntervalSeconds() * 1000) {
        for (const each of this.#family(session.id)) Object.assign(each, { revoked: true, updatedAt: Date.now() });
        throw badRequest('refresh_token_already_used', 'Invalid Refresh Token: Already Used');
      }
    }
    Object.assign(token, { revoked: true, updatedAt: Date.now() });
    return { session, refreshToken: this.#issue(session.id, token.token) };
  }

  /** POST /logout: `global` ends every session of the user, `local` this one, `others` all but this one. */
  logout(userId: string, sessionId: string | undefined, scope: LogoutScope) {
    for (const session of [...this.#sessions.values()]) {
      if (session.userId !== userId) continue;
      const ends =
        scope === 'global' || !sessionId || (scope === 'local' ? session.id === sessionId : session.id !== sessionId);
      if (!ends) continue;
      this.#sessions.delete(session.id);
      for (const token of this.#family(session.id)) this.#tokens.delete(token.token);
    }
  }

  #issue(sessionId: string, parent?: string): string {
    let token: string;
    do token = Array.from({ length: 12 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    while (this.#tokens.has(token));
    this.#tokens.set(token, { token, sessionId, parent, revoked: false, updatedAt: Date.now() });
    return token;
  }

  #family(sessionId: string): RefreshToken[] {
    return [...this.#tokens.values()].filter((token) => token.sessionId === sessionId);
  }
}
