// The rows the sample conversations become: conversations, messages and one usage event per reply,
// shaped as a ConversationRoom writes them (a reply's usage event has the reply's id), with tokens
// estimated from the text, priced with the registry's prices, and plausible timings.
import type { conversations, messages, usageEvents } from '../../drizzle/schema.ts';
import { MODELS, replyCost, type ModelInfo } from '../../worker/providers/registry.ts';
import { estimateTokens } from '../../worker/chat/prompt.ts';
import type { SeedConversation } from './content.ts';
import { seedFraction, seedId } from './ids.ts';

export type SeedRows = {
  conversations: Array<typeof conversations.$inferInsert>;
  messages: Array<typeof messages.$inferInsert>;
  usageEvents: Array<typeof usageEvents.$inferInsert>;
};

const DAY_MS = 86_400_000;
/** Typical time to first token and output speed (tokens a second) by provider. */
const PACE: Record<string, { firstTokenMs: number; tokensPerSecond: number }> = {
  anthropic: { firstTokenMs: 700, tokensPerSecond: 70 },
  openai: { firstTokenMs: 450, tokensPerSecond: 90 },
  google: { firstTokenMs: 550, tokensPerSecond: 120 },
};

function modelInfo(id: string): ModelInfo {
  const info = MODELS.find((m) => m.id === id);
  if (!info) throw new Error(`seed content names model '${id}', which is not in worker/providers/registry.ts`);
  return info;
}

/**
 * The usage of replies in conversations deleted since (their usage stays billed, as after a real
 * delete): a few replies most days of the last 30, so the Usage chart reads like a month of use
 * (about 40% of the free tier's monthly tokens). Ids depend only on the day's distance and the
 * reply's number, never on the calendar, so a rerun on a later day produces the same ids.
 */
export const EARLIER_REPLY_MODELS = [
  'anthropic/claude-sonnet-5-5',
  'anthropic/claude-sonnet-5-5',
  'anthropic/claude-haiku-4-5',
  'openai/gpt-4.1-mini',
  'openai/gpt-4.1-mini',
  'openai/gpt-4o-mini',
  'google/gemini-2.5-flash',
  'google/gemini-2.5-flash',
  'google/gemini-2.5-pro',
];

function earlierUsage(userId: string, now: Date, today: number): SeedRows['usageEvents'] {
  const events: SeedRows['usageEvents'] = [];
  for (let daysAgo = 29; daysAgo >= 0; daysAgo--) {
    if (seedFraction(`earlier:${daysAgo}:quiet`) < 0.15) continue;
    const replies = 1 + Math.floor(seedFraction(`earlier:${daysAgo}:count`) * 4);
    for (let n = 0; n < replies; n++) {
      const name = `earlier:${daysAgo}:${n}`;
      const info = modelInfo(
        EARLIER_REPLY_MODELS[Math.floor(seedFraction(`${name}:model`) * EARLIER_REPLY_MODELS.length)]!,
      );
      const inputTokens = 200 + Math.round(seedFraction(`${name}:in`) * 1600);
      const outputTokens = 100 + Math.round(seedFraction(`${name}:out`) * 600);
      const minute = 8 * 60 + Math.floor(seedFraction(`${name}:at`) * 14 * 60);
      const occurredAt = new Date(Math.min(today - daysAgo * DAY_MS + minute * 60_000, now.getTime() - 60_000));
      events.push(
        seedUsageEvent({
          id: seedId(`usage:${name}`),
          userId,
          conversationId: seedId(`deleted-conversation:${daysAgo}`),
          model: info,
          inputTokens,
          outputTokens,
          occurredAt,
        }),
      );
    }
  }
  return events;
}

/** A reply's usage event as a room records it (the event's id is the reply's), landed when it happened. */
export function seedUsageEvent(reply: {
  id: string;
  userId: string;
  conversationId: string;
  model: ModelInfo;
  inputTokens: number;
  outputTokens: number;
  occurredAt: Date;
}): SeedRows['usageEvents'][number] {
  const { id, userId, model, inputTokens, outputTokens, occurredAt } = reply;
  return {
    id,
    userId,
    subjectType: 'user',
    subjectId: userId,
    conversationId: reply.conversationId,
    messageId: id,
    model: model.id,
    provider: model.provider,
    inputTokens,
    outputTokens,
    cachedTokens: 0,
    costUsd: replyCost(model, { inputTokens, outputTokens }),
    occurredAt,
    createdAt: occurredAt,
  };
}

/** Every row for `userId`, with times counted back from `now` (a rerun writes nothing, so later runs never move them). */
export function seedRows(userId: string, content: SeedConversation[], now: Date): SeedRows {
  const rows: SeedRows = { conversations: [], messages: [], usageEvents: [] };
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  for (const conversation of content) {
    const info = modelInfo(conversation.model);
    const conversationId = seedId(`conversation:${conversation.key}`);
    const history: string[] = conversation.systemPrompt ? [conversation.systemPrompt] : [];
    let first: Date | undefined;
    let last: Date | undefined;
    // Each message follows the one before: one branch, as a room writes it.
    let previousId: string | null = null;
    conversation.turns.forEach((turn, index) => {
      const name = `${conversation.key}:${index}`;
      // Never in the future: a turn "today" at an hour not yet reached moves to a minute ago.
      const asked = new Date(
        Math.min(today - turn.daysAgo * DAY_MS + (turn.at[0] * 60 + turn.at[1]) * 60_000, now.getTime() - 60_000),
      );
      history.push(turn.question);
      const inputTokens = history.reduce((sum, text) => sum + estimateTokens(text), 0);
      const outputTokens = estimateTokens(turn.answer);
      const pace = PACE[info.provider] ?? PACE.openai!;
      const timeToFirstTokenMs = Math.round(pace.firstTokenMs * (0.6 + 0.8 * seedFraction(`${name}:ttft`)));
      const durationMs =
        timeToFirstTokenMs +
        Math.round((outputTokens / pace.tokensPerSecond) * 1000 * (0.8 + 0.4 * seedFraction(`${name}:speed`)));
      const answered = new Date(asked.getTime() + 200);
      const completedAt = new Date(answered.getTime() + durationMs);
      const userMessageId = seedId(`message:${name}:user`);
      const replyId = seedId(`message:${name}:reply`);
      const costUsd = replyCost(info, { inputTokens, outputTokens });
      rows.messages.push(
        {
          id: userMessageId,
          parentId: previousId,
          conversationId,
          userId,
          role: 'user',
          content: turn.question,
          status: 'complete',
          createdAt: asked,
        },
        {
          id: replyId,
          parentId: userMessageId,
          conversationId,
          userId,
          role: 'assistant',
          content: turn.answer,
          model: info.id,
          provider: info.provider,
          status: 'complete',
          stopReason: 'end_turn',
          inputTokens,
          outputTokens,
          cachedTokens: 0,
          costUsd,
          timeToFirstTokenMs,
          durationMs,
          createdAt: answered,
          completedAt,
        },
      );
      rows.usageEvents.push(
        seedUsageEvent({
          id: replyId,
          userId,
          conversationId,
          model: info,
          inputTokens,
          outputTokens,
          occurredAt: completedAt,
        }),
      );
      history.push(turn.answer);
      previousId = replyId;
      first ??= asked;
      last = answered;
    });
    rows.conversations.push({
      id: conversationId,
      userId,
      title: conversation.title,
      model: info.id,
      systemPrompt: conversation.systemPrompt ?? null,
      createdAt: first ?? now,
      updatedAt: last ?? now,
    });
  }
  rows.usageEvents.push(...earlierUsage(userId, now, today));
  return rows;
}
