// What a ConversationRoom is asked and answers (durable-objects/conversation-room.ts), shared with
// the Worker code that calls it through its binding (rooms.ts), so neither reaches into the other.
import type { SubjectType } from '../../drizzle/schema.ts';
import type { Conversation, ConversationPatch, Message } from '../db/conversations.ts';

/**
 * Who is asking, about which conversation. Every method checks ownership here, before anything
 * else. `userId` owns the conversation (for a widget visitor: the site's owner); a visitor reaches
 * only their own conversations on that site, and their owner may read and delete them, no more.
 */
export type Caller = {
  conversationId: string;
  userId: string;
  email?: string;
  visitor?: { siteId: string; visitorId: string };
  /** The request this call serves: on every line the room logs for it. */
  requestId?: string;
  /** The Cloudflare colo the request came in at: recorded with a reply's timings. */
  colo?: string;
};
/** A widget site's settings for its visitor's reply: they replace the conversation's; the visitor has a rate of their own, the site a daily budget. */
export type SiteReplySettings = {
  model: string | null;
  systemPrompt: string | null;
  visitorRequestsPerMinute: number;
  dailyTokenBudget: number;
};
/** Who a reply is for (the subject it is billed and rate-limited as) and, optionally, the model to answer with. */
export type ReplyRequest = Caller & {
  subject: { type: SubjectType; id: string };
  model?: string;
  site?: SiteReplySettings;
};
/** `attachments`: ids of the owner's uploaded files (POST /api/files) the message carries. */
export type SendInput = ReplyRequest & { content: string; attachments?: string[] };
/** An edit: a new version of the user message `messageId` (a sibling of it), answered as a send is. */
export type EditInput = SendInput & { messageId: string };
/** A regenerate: a new version of the reply `messageId` (a sibling of it); without one, of the last reply in view. */
export type RegenerateInput = ReplyRequest & { messageId?: string };
export type CreateInput = Caller & Omit<ConversationPatch, 'pinnedAt'>;
/** A change to a conversation's settings; `pinned` pins it (kept as when it was first pinned) or unpins it. */
export type UpdateInput = Omit<ConversationPatch, 'pinnedAt'> & { pinned?: boolean };

export type RoomFailure = {
  ok: false;
  status: 400 | 401 | 402 | 403 | 404 | 409 | 413 | 429 | 503;
  code: string;
  message: string;
  retryAfterSeconds?: number;
};
/** A message among the versions of it (the messages with the same parent), oldest first; `index` counts from 0. */
export type Siblings = { index: number; count: number; ids: string[] };
/** A message of the branch in view, with its versions. */
export type BranchMessage = Message & { siblings: Siblings };
/** A conversation as read: the messages of the branch in view, first to last, a reply in flight included. */
export type ConversationRead = { conversation: Conversation; messages: BranchMessage[] };

export type RoomResult<T> = ({ ok: true } & T) | RoomFailure;
export type SendResult = RoomResult<{ messageId: string; model: string; stream: ReadableStream<Uint8Array> }>;
