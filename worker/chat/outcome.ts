// What a finished reply comes to: the chat domain's result, stored by the db layer and the rooms.
import type { MessageStatus } from '../../drizzle/schema.ts';
import type { ToolCall } from '../providers/types.ts';

/** A reply once it has ended (complete, stopped or error): its text, tokens, cost and timings. */
export type ReplyOutcome = {
  content: string;
  /** The function calls the reply asked for, in order (only when the request offered tools). */
  toolCalls?: ToolCall[];
  status: Exclude<MessageStatus, 'streaming'>;
  model: string;
  provider: string;
  stopReason: string | null;
  errorCode: string | null;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  costUsd: string;
  timeToFirstTokenMs: number | null;
  durationMs: number;
};
