import type { ConversationRoom } from '../../durable-objects/conversation-room.ts';

/** The ConversationRoom that owns a conversation: exactly one per conversation id, anywhere. */
export function conversationRoom(env: Pick<Env, 'CONVERSATION_ROOM'>, conversationId: string): DurableObjectStub<ConversationRoom> {
  return env.CONVERSATION_ROOM.get(env.CONVERSATION_ROOM.idFromName(conversationId));
}
