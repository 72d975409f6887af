// A usage event: what producers (rooms, the Limiter for /v1 completions) put on the `usage-events`
// queue for one billable reply, and what the consumer checks before writing it.
import * as z from 'zod';
import type { ReplyOutcome } from '../chat/outcome.ts';
import { SUBJECT_TYPES, type SubjectType } from '../../drizzle/schema.ts';

// Bounds of the columns the event lands in, so a value Postgres would refuse is caught here and
// dead-lettered on its own instead of failing (and retrying) the whole batch.
const INT4_MAX = 2_147_483_647;
const tokens = z.number().int().nonnegative().max(INT4_MAX);

/** What producers put on the `usage-events` queue: one billable reply. */
export const usageEventMessage = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  subjectType: z.enum(SUBJECT_TYPES),
  subjectId: z.string().min(1),
  conversationId: z.uuid().nullish(),
  messageId: z.uuid().nullish(),
  model: z.string().min(1),
  provider: z.string().min(1),
  inputTokens: tokens,
  outputTokens: tokens,
  cachedTokens: tokens.default(0),
  // numeric(16, 8): at most 8 digits before the point (Postgres rounds extra decimals itself).
  costUsd: z.string().regex(/^\d{1,8}(\.\d+)?$/),
  occurredAt: z.iso.datetime(),
});
export type UsageEventMessage = z.infer<typeof usageEventMessage>;

/**
 * The usage event of one billable reply. `id` is minted once per reply (a conversation's reply
 * uses its message id), so a resend is ingested once. A /v1 completion has no conversation.
 */
export function usageEvent(input: {
  id: string;
  messageId?: string;
  conversationId?: string;
  userId: string;
  subject: { type: SubjectType; id: string };
  outcome: ReplyOutcome;
  occurredAt: Date;
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
