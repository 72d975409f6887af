// Follows one reply to its end through dropped connections: reads its events, and when the stream
// breaks before `done` or `error` (network loss, a proxy, a laptop lid), asks the resume route for
// what came after the last event it saw, with backoff, until the reply ends. The room keeps
// generating meanwhile, so nothing is lost and nothing is shown twice. While it is trying again, it
// says so (`onReconnecting`), until the reply's events flow again.
import { api, ApiError, type EventStream } from './api.ts';
import { reconnectDelay } from './reconnect.ts';
import { readEvents, type ReplyEvent } from './sse.ts';

export type FollowResult = 'ended' | 'gone';

/**
 * `first` is the send's (or regenerate's) response, or null to pick up a reply already running
 * (from its start: the caller resets its text on `message.start`). Resolves 'ended' after
 * `done`/`error`, or 'gone' when the room has no reply running any more (it ended while we were
 * away: reload the conversation).
 */
export async function followReply(
  conversationId: string,
  first: EventStream | null,
  onEvent: (event: ReplyEvent) => void,
  signal: AbortSignal,
  onReconnecting: (reconnecting: boolean) => void = () => undefined,
): Promise<FollowResult> {
  let response = first;
  let lastId: string | undefined;
  for (let attempt = 0; !signal.aborted; attempt++) {
    try {
      response ??= await api.resume(conversationId, lastId);
      if (response.status === 204) return 'gone';
      for await (const event of readEvents(response.body!)) {
        if (signal.aborted) return 'ended';
        lastId = event.id ?? lastId;
        attempt = 0;
        onReconnecting(false);
        onEvent(event);
        if (event.event === 'done' || event.event === 'error') return 'ended';
      }
    } catch (error) {
      // The API said no (the conversation is gone, the session ended): nothing to resume.
      if (error instanceof ApiError && error.status < 500) throw error;
    }
    response = null;
    // The stream broke before the reply ended: say so while asking for the rest.
    if (!signal.aborted) onReconnecting(true);
    await reconnectDelay(attempt, signal);
  }
  return 'ended';
}
