export { ConversationRoom } from './conversation-room.ts';
export { Limiter } from './limiter.ts';
