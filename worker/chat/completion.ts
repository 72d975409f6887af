// One stateless reply for the /v1 API, through the same reserve → run → settle pipeline as a chat
// reply (reply-pipeline.ts): the key owner's Limiter also verifies the key, and keeps the reply's
// usage event until it is published. Nothing is stored as a conversation and nothing waits on Postgres.
import { AppError, refusalError } from '../errors.ts';
import type { ApiKeyCredential } from '../auth/api-keys.ts';
import type { ReplyOutcome } from './outcome.ts';
import type { ModelInfo } from '../providers/registry.ts';
import type { ChatMessage, ResponseFormat, Sampling, Tools } from '../providers/types.ts';
import type { StreamEvent } from './events.ts';
import {
  replyUsage,
  reserveReply,
  reservedReplyTiming,
  runReservedReply,
  settleReply,
  tokensUsed,
} from './reply-pipeline.ts';
import { contextColo } from '../log.ts';

export type CompletionInput = {
  /** Minted by the caller; also the usage event's id. */
  id: string;
  credential: ApiKeyCredential;
  model: ModelInfo;
  system?: string;
  messages: ChatMessage[];
  sampling: Sampling;
  tools?: Tools | undefined;
  responseFormat?: ResponseFormat | undefined;
  maxOutputTokens: number;
  /** The client wants the reply whole (not streamed), and so the vendor is asked for it. */
  whole?: boolean;
  /** Aborts the vendor call (the client left). */
  signal: AbortSignal;
};

export type Completion = {
  /** The API key the Limiter verified. */
  keyId: string;
  outcome: Promise<ReplyOutcome>;
  /** Settles once the reply is counted and its usage handed to the Limiter: keep the isolate alive for it. */
  billed: Promise<void>;
};

/** Starts the reply, or throws the refusal (400 too long, 401 key, 402 quota, 403 plan, 429 rate, 503 limits unavailable). */
export async function startCompletion(
  env: Env,
  input: CompletionInput,
  emit: (event: StreamEvent) => void,
): Promise<Completion> {
  const { credential, model } = input;
  const reserved = await reserveReply(env, {
    userId: credential.userId,
    model,
    system: input.system,
    messages: input.messages,
    maxOutputTokens: input.maxOutputTokens,
    sampling: input.sampling,
    ...(input.tools ? { tools: input.tools } : {}),
    ...(input.responseFormat ? { responseFormat: input.responseFormat } : {}),
    apiKeyHash: credential.hash,
    surface: 'v1',
    colo: contextColo(),
  });
  if (!reserved.ok) {
    if (reserved.code === 'context_length_exceeded')
      // OpenAI's own answer to a prompt its model cannot read.
      throw new AppError(
        400,
        'context_length_exceeded',
        `This model's maximum context length is ${model.contextWindow} tokens. However, your messages resulted in about ${reserved.promptTokens} tokens. Please reduce the length of the messages.`,
        { param: 'messages' },
      );
    throw refusalError(reserved);
  }
  const outcome = runReservedReply(env, reserved, input.signal, emit, { whole: input.whole === true });
  const keyId = reserved.keyId!;
  const billed = outcome.then((done) =>
    settleReply(env, reserved, tokensUsed(done), {
      usage: replyUsage({
        id: input.id,
        userId: credential.userId,
        subject: { type: 'api_key', id: keyId },
        outcome: done,
        occurredAt: new Date(),
      }),
      timing: reservedReplyTiming(input.id, reserved, done),
    }),
  );
  return { keyId, outcome, billed };
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
