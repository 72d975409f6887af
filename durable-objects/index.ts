export { ConversationRoom } from './conversation-room.ts';
export { Limiter } from './limiter.ts';
export { Site } from './site.ts';
export { Backlog } from './backlog.ts';
export { ResumableReply } from './resumable-reply.ts';
