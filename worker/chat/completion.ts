// One stateless reply for the /v1 API: admitted by the key owner's Limiter (which also verifies
// the key), streamed from the vendor with the same retries, fallbacks and idle timeout as a chat
// reply, then settled with the Limiter, which keeps its usage event until it is published. Nothing
// is stored as a conversation and nothing waits on Postgres.
import { AppError } from '../errors.ts';
import type { ApiKeyCredential } from '../auth/api-keys.ts';
import type { ReplyOutcome } from './outcome.ts';
import type { ModelInfo } from '../providers/registry.ts';
import type { ChatMessage, Sampling } from '../providers/types.ts';
import { reserveReply, settleReply } from '../usage/limiters.ts';
import { usageEvent } from '../usage/usage-event.ts';
import { modelCandidates } from './candidates.ts';
import type { StreamEvent } from './events.ts';
import { estimatePromptTokens, replyRoom } from './prompt.ts';
import { runReply } from './run-reply.ts';

const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

export type CompletionInput = {
  /** Minted by the caller; also the usage event's id. */
  id: string;
  credential: ApiKeyCredential;
  model: ModelInfo;
  system?: string;
  messages: ChatMessage[];
  sampling: Sampling;
  maxOutputTokens: number;
  /** Aborts the vendor call (the client left). */
  signal: AbortSignal;
};

export type Completion = {
  /** The API key the Limiter verified. */
  keyId: string;
  outcome: Promise<ReplyOutcome>;
  /** Settles once the outcome is counted and its usage handed over: keep the isolate alive for it. */
  settled: Promise<void>;
};

/** Starts the reply, or throws the refusal (401 key, 402 quota, 403 plan, 429 rate, 503 limits unavailable). */
export async function startCompletion(
  env: Env,
  input: CompletionInput,
  emit: (event: StreamEvent) => void,
): Promise<Completion> {
  const { credential, model } = input;
  const promptTokens = estimatePromptTokens(input.messages, input.system);
  const room = replyRoom(promptTokens, model.contextWindow, input.maxOutputTokens);
  // Before anything is reserved: OpenAI's own answer to a prompt its model cannot read.
  if (room === undefined)
    throw new AppError(
      400,
      'context_length_exceeded',
      `This model's maximum context length is ${model.contextWindow} tokens. However, your messages resulted in about ${promptTokens} tokens. Please reduce the length of the messages.`,
      { param: 'messages' },
    );
  const admission = await reserveReply(env, {
    userId: credential.userId,
    model,
    apiKeyHash: credential.hash,
    promptTokens,
    maxOutputTokens: room,
  });
  if (!admission.ok) {
    const headers: Record<string, string> =
      admission.retryAfterSeconds === undefined ? {} : { 'retry-after': String(admission.retryAfterSeconds) };
    throw new AppError(admission.status, admission.code, admission.message, { headers });
  }
  const { id } = input;
  const outcome = runReply(
    {
      candidates: modelCandidates(env, model),
      system: input.system,
      messages: input.messages,
      sampling: input.sampling,
      maxOutputTokens: admission.outputTokens,
      signal: input.signal,
      idleTimeoutMs: Number(env.UPSTREAM_IDLE_TIMEOUT_MS) || DEFAULT_IDLE_TIMEOUT_MS,
    },
    emit,
  );
  const settled = outcome.then((done) => {
    const used = done.inputTokens + done.outputTokens;
    const usage =
      used > 0
        ? usageEvent({
            id,
            userId: credential.userId,
            subject: { type: 'api_key', id: admission.keyId! },
            outcome: done,
            occurredAt: new Date(),
          })
        : undefined;
    return settleReply(env, credential.userId, admission.reservationId, used, usage);
  });
  return {
    keyId: admission.keyId!,
    outcome: outcome.then((done) => quotaBounded(done, admission.boundedByQuota)),
    settled,
  };
}

/** A reply the quota cut short ends as `max_tokens` at the vendor: said plainly as `quota`. */
function quotaBounded(outcome: ReplyOutcome, bounded: boolean): ReplyOutcome {
  return bounded && outcome.status === 'complete' && outcome.stopReason === 'max_tokens'
    ? { ...outcome, stopReason: 'quota' }
    : outcome;
}

/** A reply that failed before its first token, as the status the caller should see. */
export function completionFailure(outcome: ReplyOutcome): AppError {
  switch (outcome.errorCode) {
    case 'context_length':
      return new AppError(
        400,
        'context_length_exceeded',
        `The messages are longer than ${outcome.model}'s context window: shorten them`,
        { param: 'messages' },
      );
    case 'bad_request':
      return new AppError(
        400,
        'invalid_request',
        `The model's provider refused the request as invalid (${outcome.model}): check the parameters against the model`,
      );
    case 'rate_limited':
    case 'overloaded':
      return new AppError(
        503,
        'upstream_overloaded',
        `${outcome.model} is busy at its provider, and its fallbacks too: try again shortly`,
      );
    case 'upstream_timeout':
      return new AppError(504, 'upstream_timeout', `${outcome.model} stopped responding: try again`);
    default:
      return new AppError(
        502,
        'upstream_error',
        `${outcome.model} failed at its provider: try again, or choose another model`,
      );
  }
}
