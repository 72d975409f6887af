// A room's reply, from its placeholder to its end: the reply running now (its event log that
// readers follow, its stop switch, its text so far and when to checkpoint it), the messages a
// reply stores, and what a reply cut by a restart comes to.
import type { ReplyOutcome } from '../worker/chat/outcome.ts';
import type { ReservedReply } from '../worker/chat/reply-pipeline.ts';
import type { Conversation, Message } from '../worker/db/conversations.ts';
import type { MessageAttachment } from '../drizzle/schema.ts';
import { findModel, replyCost } from '../worker/providers/registry.ts';
import { ReplyLog } from './reply-log.ts';
import type { ReplyCharge } from './room-store.ts';

/** The text of a reply running is checkpointed locally this often, for recovery after a restart. */
const CHECKPOINT_MS = 2000;

/** The reply running in a room: at most one at a time. */
export class LiveReply {
  readonly log: ReplyLog;
  readonly reserved: ReservedReply;
  /** Stops the vendor call (a stop, a delete). */
  readonly abort = new AbortController();
  /** Resolves once the reply is stored as it ended and its reservation is settled. */
  readonly ended: Promise<void>;
  /** What streamed so far: reads see it before any checkpoint does. */
  text = '';
  private markEnded!: () => void;
  private checkpointedAt = Date.now();

  constructor(replyId: string, reserved: ReservedReply) {
    this.log = new ReplyLog(replyId);
    this.reserved = reserved;
    this.ended = new Promise((resolve) => (this.markEnded = resolve));
  }

  get id(): string {
    return this.log.replyId;
  }

  /** Adds what streamed; true when it is time to checkpoint the text locally. */
  addText(delta: string): boolean {
    this.text += delta;
    if (Date.now() - this.checkpointedAt < CHECKPOINT_MS) return false;
    this.checkpointedAt = Date.now();
    return true;
  }

  /** Stops the vendor call; resolves once the reply has ended. */
  stop(): Promise<void> {
    this.abort.abort();
    return this.ended;
  }

  /** The last event is in the log: readers are told the stream is over. */
  end() {
    this.log.finish();
    this.markEnded();
  }
}

/** A new message of this conversation: a user's message as sent, or a reply's placeholder (`streaming`) before the vendor is called. */
export function newMessage(
  conversation: Conversation,
  fields: Pick<Message, 'role' | 'content' | 'status' | 'createdAt' | 'parentId'> &
    Partial<Pick<Message, 'id' | 'model' | 'requestedModel' | 'provider' | 'attachments'>>,
): Message {
  return {
    id: crypto.randomUUID(),
    conversationId: conversation.id,
    userId: conversation.userId,
    model: null,
    requestedModel: null,
    provider: null,
    stopReason: null,
    errorCode: null,
    inputTokens: 0,
    outputTokens: 0,
    cachedTokens: 0,
    costUsd: '0',
    timeToFirstTokenMs: null,
    durationMs: null,
    completedAt: null,
    attachments: null,
    ...fields,
  };
}

/**
 * What a reply cut by a restart used, as runReply estimates a stream cut short: the prompt as
 * reserved and the checkpointed text, once there was text (no text, no vendor work to bill).
 */
export function interruptedOutcome(env: Env, message: Message, charge: ReplyCharge, now: number): ReplyOutcome {
  const usage = message.content
    ? { inputTokens: charge.promptTokens, outputTokens: Math.ceil(message.content.length / 4), cachedTokens: 0 }
    : { inputTokens: 0, outputTokens: 0, cachedTokens: 0 };
  const model = message.model ? findModel(env, message.model) : undefined;
  return {
    content: message.content,
    status: 'error',
    model: message.model ?? 'unknown',
    provider: message.provider ?? 'unknown',
    stopReason: null,
    errorCode: 'interrupted',
    ...usage,
    costUsd: model ? replyCost(model, usage) : '0',
    timeToFirstTokenMs: null,
    durationMs: now - message.createdAt.getTime(),
  };
}

/** Every file a branch's messages carry. */
export function filesOf(branch: readonly Message[]): MessageAttachment[] {
  return branch.flatMap((m) => m.attachments ?? []);
}
