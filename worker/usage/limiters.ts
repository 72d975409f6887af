import type { Limiter } from '../../durable-objects/limiter.ts';

/** The Limiter of a subject; a user's also holds their quota. */
export function userLimiter(env: Pick<Env, 'LIMITER'>, userId: string): DurableObjectStub<Limiter> {
  return env.LIMITER.get(env.LIMITER.idFromName(`user:${userId}`));
}
