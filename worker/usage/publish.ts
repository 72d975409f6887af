import type { ReplyOutcome } from '../db/conversations.ts';
import type { SubjectType } from '../../drizzle/schema.ts';
import { createDb } from '../db/client.ts';
import { ingestUsageEvents, type UsageEventMessage } from '../jobs/usage-ingest.ts';

/**
 * The usage event of one billable reply. `id` is minted once per reply (a conversation's reply
 * uses its message id), so a resend is ingested once. A /v1 completion has no conversation.
 */
export function usageEvent(input: {
  id: string; messageId?: string; conversationId?: string; userId: string; subject: { type: SubjectType; id: string }; outcome: ReplyOutcome; occurredAt: Date;
}): UsageEventMessage {
  return {
    id: input.id,
    userId: input.userId,
    subjectType: input.subject.type,
    subjectId: input.subject.id,
    conversationId: input.conversationId ?? null,
    messageId: input.messageId ?? null,
    model: input.outcome.model,
    provider: input.outcome.provider,
    inputTokens: input.outcome.inputTokens,
    outputTokens: input.outcome.outputTokens,
    cachedTokens: input.outcome.cachedTokens,
    costUsd: input.outcome.costUsd,
    occurredAt: input.occurredAt.toISOString(),
  };
}

/**
 * Puts usage events on the `usage-events` queue; if the queue refuses them, writes them straight
 * to Postgres instead. Throws only when both fail, so the caller keeps the events and tries again.
 */
export async function publishUsage(env: Pick<Env, 'USAGE_EVENTS' | 'DATABASE_URL' | 'DATABASE_HTTP_ENDPOINT'>, events: UsageEventMessage[]) {
  if (events.length === 0) return;
  try {
    await env.USAGE_EVENTS.sendBatch(events.map((body) => ({ body, contentType: 'json' as const })));
  } catch (error) {
    console.error(JSON.stringify({ level: 'warn', msg: 'usage queue unavailable, writing directly', events: events.length, error: String(error) }));
    await ingestUsageEvents(createDb(env), events);
  }
}
