// Who may do what in a conversation: its owner reads and writes it; a widget visitor reaches only
// their own conversations on that site; the owner may read and delete a visitor's conversation,
// not write to it.
import type { Caller, RoomResult } from '../worker/chat/room-contract.ts';
import type { Conversation } from '../worker/db/conversations.ts';
import { notFound, readOnly } from './room-failures.ts';
import type { OwnedConversation } from './room-store.ts';

/** The conversation, if `caller` may reach it (404 otherwise); with `write`, 403 read_only for the owner of a visitor's conversation. */
export function checkAccess(
  conversation: OwnedConversation | undefined,
  caller: Caller,
  options: { write?: boolean } = {},
): RoomResult<{ conversation: OwnedConversation }> {
  if (!conversation || conversation.deleted || conversation.userId !== caller.userId) return notFound();
  if (caller.visitor && !sameVisitor(conversation, caller)) return notFound();
  if (options.write && !caller.visitor && conversation.visitorId !== null) return readOnly();
  return { ok: true, conversation };
}

/** Whether a conversation is this caller's as a visitor (their site, their visitor id), or as nobody's visitor when the caller is none. */
export function sameVisitor(conversation: Conversation, caller: Caller): boolean {
  return (
    conversation.siteId === (caller.visitor?.siteId ?? null) &&
    conversation.visitorId === (caller.visitor?.visitorId ?? null)
  );
}

/** The conversation as callers see it, without what only the room keeps. */
export function publicConversation(conversation: OwnedConversation): Conversation {
  const { deleted: _deleted, ownerEmail: _email, ...rest } = conversation;
  return rest;
}
