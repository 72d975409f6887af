// The bench Worker only (entry.ts): times the Limiter's decisions from inside the Worker, the way the send path
// calls it (one reserve, then its settle). workerd's clock moves in whole milliseconds at each
// I/O, so a decision's time is taken as the mean of `rounds` back to back, per subject. Subjects
// are timed one after another for the latency (on Cloudflare each Limiter runs on its own, so
// they never queue behind each other), then all at once for the throughput of this one runtime.
import { userLimiter } from '../usage/limiters.ts';

export type ProbeResult = { subjects: number; rounds: number; latencyMs: number[]; parallelDecisionsPerSecond: number };

export async function probeLimiter(env: Pick<Env, 'LIMITER'>, subjects: number, rounds: number): Promise<ProbeResult> {
  const users = Array.from({ length: subjects }, () => crypto.randomUUID());
  // The first call seeds each Limiter from Postgres (once a month in production): not a decision.
  await Promise.all(users.map((userId) => userLimiter(env, userId).quota(userId)));
  const latencyMs: number[] = [];
  for (const userId of users) {
    const started = performance.now();
    await decide(env, userId, rounds);
    latencyMs.push((performance.now() - started) / rounds);
  }
  const started = performance.now();
  await Promise.all(users.map((userId) => decide(env, userId, rounds)));
  const parallelDecisionsPerSecond = (subjects * rounds * 1000) / Math.max(1, performance.now() - started);
  return { subjects, rounds, latencyMs, parallelDecisionsPerSecond };
}

async function decide(env: Pick<Env, 'LIMITER'>, userId: string, rounds: number) {
  const limiter = userLimiter(env, userId);
  for (let round = 0; round < rounds; round++) {
    const reservationId = crypto.randomUUID();
    const decision = await limiter.reserve({
      userId,
      reservationId,
      promptTokens: 50,
      maxOutputTokens: 50,
      rateLimit: false,
    });
    if (!decision.ok) throw new Error(`limiter probe: refused (${decision.code})`);
    await limiter.settle(userId, reservationId, 0);
  }
}
