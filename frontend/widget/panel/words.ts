// What went wrong, in words a website's visitor can act on (never a status code).
import type { WidgetError } from '../types.ts';

export const UNAVAILABLE = "This chat isn't available on this website.";
const BUSY = 'Sorry, this chat is unavailable right now. Please try again later.';

export function isWidgetError(error: unknown): error is WidgetError {
  return (
    error instanceof Error &&
    typeof (error as WidgetError).status === 'number' &&
    typeof (error as WidgetError).code === 'string'
  );
}

/** For a refused request or a reply's `error` event. */
export function words(error: unknown): string {
  if (!isWidgetError(error)) return 'Something went wrong. Please try again.';
  switch (error.code) {
    case 'origin_not_allowed':
    case 'origin_mismatch':
    case 'site_not_found':
      return UNAVAILABLE;
    case 'quota_exceeded':
      return BUSY;
    case 'rate_limited':
      return `You're sending messages a little too quickly. Please try again ${inTime(error.retryAfterSeconds)}.`;
    case 'network':
      return "We couldn't reach the chat. Check your connection and try again.";
    case 'visitor_token_invalid':
    case 'visitor_token_expired':
      return 'Your chat session has ended. Please reload the page to continue.';
    case 'turnstile_failed':
      return "The check to confirm you're a person didn't pass. Please try it again.";
    case 'turnstile_required':
      return 'Please complete the check above to start chatting.';
    case 'reply_in_progress':
      return 'A reply is still being written. Please wait for it, or press Stop.';
    // The site's own limits (issue 23): the server words each for the visitor, with when to come back.
    case 'site_session_rate_limited':
    case 'visitor_conversation_limit':
    case 'site_daily_budget_spent':
    case 'widget_busy':
      return error.message || BUSY;
    default:
      return error.status >= 500 || error.status === 0
        ? 'The chat ran into a problem. Please try again in a moment.'
        : error.message || 'Something went wrong. Please try again.';
  }
}

/** A reply that ended without finishing: why, from its `error` event's code or its stop reason. */
export function unfinishedWords(code: string | null | undefined, stopReason?: string | null): string | undefined {
  if (stopReason === 'stopped') return 'Stopped';
  if (stopReason === 'quota' || code === 'quota_exceeded') return `Cut short. ${BUSY}`;
  if (code === 'rate_limited')
    return "Not finished: you're sending messages a little too quickly. Please wait a minute and try again.";
  if (code) return "Sorry, this reply couldn't be finished. Please try again.";
  return undefined;
}

function inTime(seconds: number | undefined): string {
  if (!seconds) return 'in a minute';
  if (seconds < 90) return `in ${seconds} second${seconds === 1 ? '' : 's'}`;
  return `in ${Math.ceil(seconds / 60)} minutes`;
}
