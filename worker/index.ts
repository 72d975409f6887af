import { app } from './app.ts';
import { handleQueue } from './jobs/queue.ts';
import { handleDeadLetters } from './jobs/dead-letters.ts';
import { handleScheduled } from './jobs/scheduled.ts';
import { reportedHandlers, reportedObject } from './sentry/index.ts';
import * as objects from '../durable-objects/index.ts';

// Errors are reported to Sentry when SENTRY_DSN is set (worker/sentry/); otherwise these are the plain handlers behind one check.
export default reportedHandlers({
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
  // The dead-letter queue has a consumer of its own: it replays what was parked there.
  queue: (batch, env) => (batch.queue === 'usage-events-dlq' ? handleDeadLetters(batch, env) : handleQueue(batch, env)),
  scheduled: handleScheduled,
}) satisfies ExportedHandler<Env>;

export const ConversationRoom = reportedObject('ConversationRoom', objects.ConversationRoom);
export type ConversationRoom = objects.ConversationRoom;
export const Limiter = reportedObject('Limiter', objects.Limiter);
export type Limiter = objects.Limiter;
export const Site = reportedObject('Site', objects.Site);
export type Site = objects.Site;
export const Backlog = reportedObject('Backlog', objects.Backlog);
export type Backlog = objects.Backlog;
export const ResumableReply = reportedObject('ResumableReply', objects.ResumableReply);
export type ResumableReply = objects.ResumableReply;
