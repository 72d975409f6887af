import type { Caller, RoomFailure } from './room-contract.ts';
import { refusalError } from '../errors.ts';
import { SSE_HEADERS } from './events.ts';
import type { Subject, VisitorSubject } from '../auth/subject.ts';
import { contextColo, contextRequestId } from '../log.ts';

/**
 * The ConversationRoom that owns a conversation: exactly one per conversation id, anywhere. Ids
 * are made canonical (lower case) first: the same UUID spelled in upper case must not reach a
 * second room, or two replies could run at once in one conversation.
 */
export function conversationRoom(env: Pick<Env, 'CONVERSATION_ROOM'>, conversationId: string) {
  return env.CONVERSATION_ROOM.get(env.CONVERSATION_ROOM.idFromName(conversationId.toLowerCase()));
}

/** The caller as a room sees it: the canonical conversation id, the user asking (a visitor's: the site's owner), and the visitor, if one asks. */
export function roomCaller(conversationId: string, subject: Subject | VisitorSubject): Caller {
  const caller: Caller = { conversationId: conversationId.toLowerCase(), userId: subject.userId };
  const requestId = contextRequestId();
  if (requestId) caller.requestId = requestId;
  const colo = contextColo();
  if (colo) caller.colo = colo;
  if (subject.type === 'visitor') caller.visitor = { siteId: subject.siteId, visitorId: subject.visitorId };
  else if (subject.email) caller.email = subject.email;
  return caller;
}

/** A room's answer, or its failure as the error envelope with the room's status and code. */
export function roomAnswer<R extends { ok: boolean }>(result: R): Exclude<R, RoomFailure & { ok: false }> {
  if (isFailure(result)) throw refusalError(result);
  return result as Exclude<R, RoomFailure & { ok: false }>;
}

function isFailure(result: { ok: boolean }): result is RoomFailure {
  return !result.ok;
}

/** A reply's events as they stream, with the reply's message id in a header. */
export function replyResponse(reply: { messageId: string; stream: ReadableStream<Uint8Array> }): Response {
  return new Response(reply.stream, { headers: { ...SSE_HEADERS, 'x-message-id': reply.messageId } });
}

/** The in-flight reply's events after `lastEventId` (all of them without one), or 204 when none runs. */
export async function resumeResponse(
  env: Pick<Env, 'CONVERSATION_ROOM'>,
  caller: Caller,
  lastEventId: string | undefined,
): Promise<Response> {
  const { stream } = roomAnswer(await conversationRoom(env, caller.conversationId).resume(caller, lastEventId));
  return stream ? new Response(stream, { headers: SSE_HEADERS }) : new Response(null, { status: 204 });
}

/** Stops the in-flight reply; whether one was running. */
export async function stopReply(env: Pick<Env, 'CONVERSATION_ROOM'>, caller: Caller): Promise<{ stopped: boolean }> {
  const { stopped } = roomAnswer(await conversationRoom(env, caller.conversationId).stop(caller));
  return { stopped };
}
