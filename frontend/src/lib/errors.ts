// What went wrong, in words a person can act on.
import { ApiError } from './api.ts';
import { localTimes } from './format.ts';
import { modelNames } from './models.ts';

/** Why a request was refused, and what to do about it, with times in the reader's locale and models by name. */
export function requestErrorWords(error: unknown): string {
  return modelNames(localTimes(refusalWords(error)));
}

function refusalWords(error: unknown): string {
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

/**
 * A 400's problems by the field at fault, as the API words them ("allowedOrigins[0]: 'x' is not an
 * origin; name: …") with the field's path taken off, so a form can show each next to its field.
 * Undefined when the error is not a validation error naming fields.
 */
export function fieldProblems(error: unknown): Record<string, string[]> | undefined {
  if (!(error instanceof ApiError) || error.code !== 'invalid_request') return undefined;
  const problems: Record<string, string[]> = {};
  for (const part of error.message.split('; ')) {
    const match = /^([A-Za-z]\w*)(?:\[\d+\]|\.\w+)*: (.+)$/s.exec(part);
    if (!match) return undefined;
    const [, field, words] = match as unknown as [string, string, string];
    (problems[field] ??= []).push(words.charAt(0).toUpperCase() + words.slice(1));
  }
  return problems;
}

/** A reply that failed at the vendor, in plain words. */
export function replyErrorWords(code: string | null): string {
  if (code === 'upstream_timeout')
    return 'The model stopped responding, so the reply was cut short (what arrived is kept). Try Regenerate, or pick another model.';
  if (code === 'context_length')
    return 'This conversation is too long for the model. Start a new conversation, or pick a model with a larger context window.';
  if (code === 'rate_limited' || code === 'overloaded')
    return "The model's provider is busy right now. Wait a moment and press Regenerate, or pick another model.";
  return "The model's provider failed while replying (what arrived is kept). Try Regenerate, or pick another model.";
}
