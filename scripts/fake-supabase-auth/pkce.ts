// PKCE as GoTrue does it (internal/api/pkce.go, models/flow_state.go, security/pkce.go): /authorize
// validates the challenge and stores a flow state; the provider's sign-in binds it to the user and
// an auth code (a UUID); POST /token?grant_type=pkce checks the verifier and destroys the flow
// state, so a code works once. A wrong verifier leaves it in place; an old one expires (300 s).
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { badRequest, notFound, AuthApiError } from './errors.ts';
import type { Provider } from './users.ts';

const CHALLENGE_PATTERN = /^[a-zA-Z._~0-9-]+$/;

export type ChallengeMethod = 's256' | 'plain';

type FlowState = {
  authCode: string;
  challenge: string;
  method: ChallengeMethod;
  provider: Provider;
  userId: string;
  createdAt: number;
};

/** The challenge and method of an authorize request; undefined when it asks for the implicit flow (neither given). */
export function pkceParams(
  challenge: string,
  method: string,
): { challenge: string; method: ChallengeMethod } | undefined {
  if ((challenge === '') !== (method === ''))
    throw badRequest('validation_failed', 'PKCE flow requires code_challenge_method and code_challenge');
  if (challenge === '') return undefined;
  if (challenge.length < 43 || challenge.length > 128)
    throw badRequest('validation_failed', 'code challenge has to be between 43 and 128 characters');
  if (!CHALLENGE_PATTERN.test(challenge)) {
    throw badRequest(
      'validation_failed',
      'code challenge can only contain alphanumeric characters, hyphens, periods, underscores and tildes',
    );
  }
  const normalised = method.toLowerCase();
  if (normalised !== 's256' && normalised !== 'plain')
    throw badRequest('validation_failed', 'Invalid code_challenge_method');
  return { challenge, method: normalised };
}

export class FlowStates {
  readonly #byCode = new Map<string, FlowState>();
  readonly #expirySeconds: number;

  constructor(expirySeconds: number) {
    this.#expirySeconds = expirySeconds;
  }

  /** A signed-in flow state: the auth code the browser is sent back with. */
  issue(params: { challenge: string; method: ChallengeMethod }, provider: Provider, userId: string): string {
    const authCode = randomUUID();
    this.#byCode.set(authCode, { authCode, ...params, provider, userId, createdAt: Date.now() });
    return authCode;
  }

  /** Checks the verifier against the code's challenge and consumes the code; GoTrue's errors otherwise. */
  redeem(authCode: string, verifier: string): { userId: string; provider: Provider } {
    if (!authCode || !verifier)
      throw badRequest('validation_failed', 'invalid request: both auth code and code verifier should be non-empty');
    const flow = this.#byCode.get(authCode);
    if (!flow) throw notFound('flow_state_not_found', 'invalid flow state, no valid flow state found');
    if (Date.now() > flow.createdAt + this.#expirySeconds * 1000) {
      throw new AuthApiError(422, 'flow_state_expired', 'invalid flow state, flow state has expired');
    }
    const expected = flow.method === 's256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
    if (!sameText(expected, flow.challenge))
      throw badRequest('bad_code_verifier', 'code challenge does not match previously saved code verifier');
    this.#byCode.delete(authCode);
    return { userId: flow.userId, provider: flow.provider };
  }
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
