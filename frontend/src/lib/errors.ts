// What went wrong, in words a person can act on.
import { ApiError } from './api.ts';

/** Why a request was refused, and what to do about it. */
export function requestErrorWords(error: unknown): string {
  if (!(error instanceof ApiError)) return 'The connection to Parley failed: check your network and try again.';
  switch (error.code) {
    case 'quota_exceeded':
      return `${error.message}. See Usage for details, or upgrade on the Billing page.`.replace('..', '.');
    case 'rate_limited':
      return `You are sending faster than your plan allows: try again in ${error.retryAfterSeconds ?? 'a few'} seconds.`;
    case 'model_not_in_plan':
      return `${error.message}.`.replace('..', '.');
    case 'reply_in_progress':
      return 'A reply is still being written in this conversation: wait for it, or press Stop.';
    default:
      return error.message;
  }
}
