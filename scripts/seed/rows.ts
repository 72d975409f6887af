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
    conversation.turns.forEach((turn, index) => {
      const name = `${conversation.key}:${index}`;
      // Never in the future: a turn "today" at an hour not yet reached moves to a minute ago.
      const asked = new Date(Math.min(today - turn.daysAgo * DAY_MS + (turn.at[0] * 60 + turn.at[1]) * 60_000, now.getTime() - 60_000));
      history.push(turn.question);
      const inputTokens = history.reduce((sum, text) => sum + estimateTokens(text), 0);
      const outputTokens = estimateTokens(turn.answer);
      const pace = PACE[info.provider] ?? PACE.openai!;
      const timeToFirstTokenMs = Math.round(pace.firstTokenMs * (0.6 + 0.8 * seedFraction(`${name}:ttft`)));
      const durationMs = timeToFirstTokenMs + Math.round((outputTokens / pace.tokensPerSecond) * 1000 * (0.8 + 0.4 * seedFraction(`${name}:speed`)));
      const answered = new Date(asked.getTime() + 200);
      const completedAt = new Date(answered.getTime() + durationMs);
      const userMessageId = seedId(`message:${name}:user`);
      const replyId = seedId(`message:${name}:reply`);
      const costUsd = replyCost(info, { inputTokens, outputTokens });
      rows.messages.push(
        { id: userMessageId, conversationId, userId, role: 'user', content: turn.question, status: 'complete', createdAt: asked },
        {
          id: replyId, conversationId, userId, role: 'assistant', content: turn.answer, model: info.id, provider: info.provider,
          status: 'complete', stopReason: 'end_turn', inputTokens, outputTokens, cachedTokens: 0, costUsd,
          timeToFirstTokenMs, durationMs, createdAt: answered, completedAt,
        },
      );
      // As a room records a reply: the event's id is the reply's, the subject the user, landed when it happened.
      rows.usageEvents.push({
        id: replyId, userId, subjectType: 'user', subjectId: userId, conversationId, messageId: replyId, model: info.id,
        provider: info.provider, inputTokens, outputTokens, cachedTokens: 0, costUsd, occurredAt: completedAt, createdAt: completedAt,
      });
      history.push(turn.answer);
      first ??= asked;
      last = answered;
    });
    rows.conversations.push({
      id: conversationId, userId, title: conversation.title, model: info.id, systemPrompt: conversation.systemPrompt ?? null,
      createdAt: first ?? now, updatedAt: last ?? now,
    });
  }
  return rows;
}
