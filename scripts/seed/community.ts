// Other people on this Parley, so the operators' page reads like a month: a dozen signups spread
// over the last 30 days, a mix of tiers, and their replies across the providers on most days since
// they joined. Fixed by name like the rest of the seed (ids.ts): a rerun finds what it wrote.
import type { profiles } from '../../drizzle/schema.ts';
import { MODELS } from '../../worker/providers/registry.ts';
import { seedFraction, seedId } from './ids.ts';
import { EARLIER_REPLY_MODELS, type SeedRows, seedUsageEvent } from './rows.ts';

const DAY_MS = 86_400_000;
const NAMES = [
  'ada',
  'grace',
  'linus',
  'margaret',
  'ken',
  'barbara',
  'dennis',
  'radia',
  'guido',
  'frances',
  'tim',
  'hedy',
];

export type CommunityRows = { profiles: Array<typeof profiles.$inferInsert>; usageEvents: SeedRows['usageEvents'] };

/** The community's profiles (one enterprise, three pro, the rest free) and their usage events, counted back from `now`. */
export function communityRows(now: Date): CommunityRows {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const rows: CommunityRows = { profiles: [], usageEvents: [] };
  NAMES.forEach((name, i) => {
    const id = seedId(`community:${name}`);
    const joinedDaysAgo = Math.floor(seedFraction(`community:${name}:joined`) * 30);
    const joinedAt = new Date(
      Math.min(
        today - joinedDaysAgo * DAY_MS + seedFraction(`community:${name}:hour`) * DAY_MS,
        now.getTime() - 60_000,
      ),
    );
    rows.profiles.push({
      id,
      email: `${name}@example.com`,
      tier: i === 0 ? 'enterprise' : i < 4 ? 'pro' : 'free',
      createdAt: joinedAt,
    });
    const keenness = 0.3 + 0.6 * seedFraction(`community:${name}:keen`);
    for (let daysAgo = joinedDaysAgo; daysAgo >= 0; daysAgo--) {
      if (seedFraction(`community:${name}:${daysAgo}:active`) > keenness) continue;
      const replies = 1 + Math.floor(seedFraction(`community:${name}:${daysAgo}:count`) * 3);
      for (let n = 0; n < replies; n++) {
        const key = `community:${name}:${daysAgo}:${n}`;
        const model = EARLIER_REPLY_MODELS[Math.floor(seedFraction(`${key}:model`) * EARLIER_REPLY_MODELS.length)]!;
        const info = MODELS.find((m) => m.id === model)!;
        const inputTokens = 150 + Math.round(seedFraction(`${key}:in`) * 2500);
        const outputTokens = 80 + Math.round(seedFraction(`${key}:out`) * 900);
        const occurredAt = new Date(
          Math.max(
            joinedAt.getTime() + 60_000,
            Math.min(today - daysAgo * DAY_MS + seedFraction(`${key}:at`) * DAY_MS, now.getTime() - 60_000),
          ),
        );
        rows.usageEvents.push(
          seedUsageEvent({
            id: seedId(key),
            userId: id,
            conversationId: seedId(`community-conversation:${name}:${daysAgo}`),
            model: info,
            inputTokens,
            outputTokens,
            occurredAt,
          }),
        );
      }
    }
  });
  return rows;
}
