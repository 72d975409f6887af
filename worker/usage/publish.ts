import type { ReplyOutcome } from '../db/conversations.ts';
import type { SubjectType } from '../../drizzle/schema.ts';
import { createDb } from '../db/client.ts';
import { ingestUsageEvents, type UsageEventMessage } from '../jobs/usage-ingest.ts';

/**
 * Puts one billable reply on the `usage-events` queue. The message id doubles as the event id,
 * so a resend after a failure is ingested once. If the queue refuses it, the event is written
 * straight to Postgres instead, so usage is never lost.
 */
export async function publishUsage(env: Pick<Env, 'USAGE_EVENTS' | 'DATABASE_URL' | 'DATABASE_HTTP_ENDPOINT'>, input: {
  messageId: string; conversationId: string; userId: string; subject: { type: SubjectType; id: string }; outcome: ReplyOutcome;
}) {
  const event: UsageEventMessage = {
    id: input.messageId,
    userId: input.userId,
    subjectType: input.subject.type,
    subjectId: input.subject.id,
    conversationId: input.conversationId,
    messageId: input.messageId,
    model: input.outcome.model,
    provider: input.outcome.provider,
    inputTokens: input.outcome.inputTokens,
    outputTokens: input.outcome.outputTokens,
    cachedTokens: input.outcome.cachedTokens,
    costUsd: input.outcome.costUsd,
    occurredAt: new Date().toISOString(),
  };
  try {
    await env.USAGE_EVENTS.send(event, { contentType: 'json' });
  } catch (error) {
    console.error(JSON.stringify({ level: 'warn', msg: 'usage queue unavailable, writing directly', messageId: input.messageId, error: String(error) }));
    await ingestUsageEvents(createDb(env), [event]);
  }
}
