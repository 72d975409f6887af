// Every way a ConversationRoom says no, worded once: the status and code a route answers with,
// and a message that says what happened and what to do.
import type { RoomFailure } from '../worker/chat/room-contract.ts';
import type { ReplyRefusal } from '../worker/chat/reply-pipeline.ts';
import { defaultModel, findModel, modelNotAvailable } from '../worker/providers/registry.ts';
import { replyLimit } from '../worker/chat/limits.ts';

export function failure(
  status: RoomFailure['status'],
  code: string,
  message: string,
  retryAfterSeconds?: number,
): RoomFailure {
  return { ok: false, status, code, message, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) };
}

/** Whatever the reason (no such conversation, someone else's, deleted): no hint that it exists. */
export const notFound = () => failure(404, 'not_found', 'Conversation not found');

export const readOnly = () =>
  failure(
    403,
    'read_only',
    'Visitor conversations are read-only: you can read or delete this conversation, not send to it or change it',
  );

export const replyInProgress = () =>
  failure(
    409,
    'reply_in_progress',
    'A reply is still being generated in this conversation: wait for it or stop it first',
  );

export const nothingToRegenerate = () =>
  failure(409, 'nothing_to_regenerate', 'The last message in view is not a reply: send a message instead');

export const messageNotFound = () => failure(404, 'message_not_found', 'No message with this id in this conversation');

export const notEditable = () =>
  failure(400, 'not_editable', 'Only your own messages can be edited: to get another reply, regenerate it');

export const notAReply = () =>
  failure(400, 'not_a_reply', 'Only a reply can be regenerated: to change your message, edit it');

/** A model no provider configured here offers: the request's, the conversation's or the site's. */
export const unknownModel = (id: string) => failure(400, 'unknown_model', modelNotAvailable(id));

export const noModels = () =>
  failure(503, 'no_models', 'No model provider is configured: set ANTHROPIC_API_KEY, OPENAI_API_KEY or GEMINI_API_KEY');

export const conversationUnavailable = () =>
  failure(
    503,
    'database_unavailable',
    'This conversation is not available right now (the database cannot be reached): try again shortly',
  );

/** The reply pipeline's refusal (the prompt too long, or the Limiter's no), as the room answers it. */
export const refused = (refusal: ReplyRefusal) =>
  failure(refusal.status, refusal.code, refusal.message, refusal.retryAfterSeconds);

/** What a reader is told when a reply ends in an error; its text so far is kept. */
export function replyErrorMessage(code: string | null): string {
  if (code === 'upstream_timeout') return 'The model stopped sending and was given up on; the partial reply was saved';
  return 'The model failed while replying; the partial reply was saved';
}

/**
 * A longest reply the conversation's model cannot write (the model the change names, else the
 * conversation's, else the default): 400, naming the model's limit. Undefined when it fits or is not changed.
 */
export function replyLimitRefusal(
  env: Env,
  change: { model?: string | null | undefined; maxReplyTokens?: number | null | undefined },
  conversation: { model: string | null },
): RoomFailure | undefined {
  if (change.maxReplyTokens == null) return undefined;
  const modelId = change.model ?? conversation.model ?? defaultModel(env)?.id;
  const model = modelId ? findModel(env, modelId) : undefined;
  if (!model) return undefined;
  const most = replyLimit(model, null);
  if (change.maxReplyTokens <= most) return undefined;
  return failure(
    400,
    'invalid_request',
    `maxReplyTokens: ${model.id} writes at most ${most.toLocaleString('en')} tokens a reply: ask for that or fewer, or null for as long as it allows`,
  );
}
