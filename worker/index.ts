import { app } from './app.ts';
import { handleQueue } from './jobs/queue.ts';
import { handleScheduled } from './jobs/scheduled.ts';

export default {
  fetch: app.fetch,
  queue: handleQueue,
  scheduled: handleScheduled,
} satisfies ExportedHandler<Env>;

export { ConversationRoom, Limiter, Site } from '../durable-objects/index.ts';
