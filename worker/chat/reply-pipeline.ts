// One reply's way through its owner's quota, the same for a conversation's room and for the /v1
// API: reserve (the prompt must leave room for a reply, then the owner's Limiter decides: rate,
// stream slot, quota), run (the vendor call with retries, fallbacks and the idle timeout) and
// settle (what the reply used is counted, the rest of its reservation released). What each caller
// keeps of the reply (a stored message, an API response) is its own.
import type { ModelInfo } from '../providers/registry.ts';
import type { ChatMessage, ResponseFormat, Sampling, Tools } from '../providers/types.ts';
import { reserveQuota, settleQuota } from '../usage/limiters.ts';
import { usageEvent, type UsageEventMessage } from '../usage/usage-event.ts';
import { replyTiming, type ReplyTimingMessage } from '../usage/reply-timing.ts';
import type { ReplySurface } from '../../drizzle/schema.ts';
import { modelCandidates } from './candidates.ts';
import type { StreamEvent } from './events.ts';
import type { ReplyOutcome } from './outcome.ts';
import { estimatePromptTokens, replyRoom } from './prompt.ts';
import { runReply } from './run-reply.ts';

/** A vendor that sends nothing for this long is given up on (UPSTREAM_IDLE_TIMEOUT_MS overrides it). */
const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

/** One reply to be made: for whom, with which model, on which turns. */
export type ReplySpec = {
  userId: string;
  model: ModelInfo;
  system?: string;
  /**
   * The owner's own chat reply: their custom instructions (held by their Limiter) go before `system`.
   * Never for a widget visitor (the site's prompt applies) or /v1 (the program sends its own).
   */
  customInstructions?: boolean;
  /** The turns the model answers, already fitted to its context window. */
  messages: ChatMessage[];
  /** The most the reply may write before the quota has its say. */
  maxOutputTokens: number;
  sampling?: Sampling;
  /** Functions the model may call (/v1 only). */
  tools?: Tools;
  /** The reply must be JSON (/v1 only). */
  responseFormat?: ResponseFormat;
  /** The API key the request came with: the Limiter verifies it and rate-limits it on its own. */
  apiKeyHash?: string;
  /** A widget visitor, rate-limited at their site's rate instead of the owner's, within the site's daily token budget. */
  visitor?: { siteId: string; visitorId: string; requestsPerMinute: number; dailyTokenBudget: number };
  /** Where the reply is made (chat, widget or /v1) and the colo its request came in at: recorded with its timings. */
  surface: ReplySurface;
  colo?: string | undefined;
};

export type ReplyRefusal = {
  ok: false;
  status: 400 | 401 | 402 | 403 | 429 | 503;
  code: string;
  message: string;
  retryAfterSeconds?: number;
  /** The prompt's estimated size, when it is why (context_length_exceeded). */
  promptTokens?: number;
};

/** A reply the Limiter let through: its reservation, and how much it may write. */
export type ReservedReply = {
  ok: true;
  spec: ReplySpec;
  promptTokens: number;
  reservationId: string;
  /** How many tokens the reply may write (the quota may allow fewer than asked). */
  outputTokens: number;
  /** The quota, not the model or the request, set `outputTokens`. */
  boundedByQuota: boolean;
  /** The verified API key's id, when the spec named one. */
  keyId?: string;
  /** The estimate of the custom instructions the Limiter added to `spec.system` (0: none), counted in `promptTokens`. */
  instructionTokens: number;
  /** When the Limiter was asked (epoch ms) and how long it took to say yes: part of the reply's time to first token. */
  admission: { startedAt: number; ms: number };
};

/**
 * Reserves the reply's tokens with the owner's Limiter. Refused before anything is reserved when
 * the prompt alone leaves no room for a reply (400 context_length_exceeded, with the prompt's
 * estimated size in the message).
 */
export async function reserveReply(env: Env, spec: ReplySpec): Promise<ReservedReply | ReplyRefusal> {
  const { model } = spec;
  const startedAt = Date.now();
  const promptTokens = estimatePromptTokens(spec.messages, spec.system, spec.tools);
  const room = replyRoom(promptTokens, model.contextWindow, spec.maxOutputTokens);
  if (room === undefined) return contextTooLong(model, promptTokens);
  const { visitor } = spec;
  const decision = await reserveQuota(env, {
    userId: spec.userId,
    model,
    promptTokens,
    maxOutputTokens: room,
    ...(spec.apiKeyHash === undefined ? {} : { apiKeyHash: spec.apiKeyHash }),
    ...(visitor
      ? {
          visitor: {
            id: `${visitor.siteId}:${visitor.visitorId}`,
            siteId: visitor.siteId,
            requestsPerMinute: visitor.requestsPerMinute,
            dailyTokenBudget: visitor.dailyTokenBudget,
          },
        }
      : {}),
    ...(spec.customInstructions ? { instructions: { contextWindow: model.contextWindow } } : {}),
  });
  if (!decision.ok) return decision;
  return {
    ok: true,
    spec: decision.instructions ? { ...spec, system: composeSystem(decision.instructions, spec.system) } : spec,
    promptTokens: promptTokens + (decision.instructionTokens ?? 0),
    instructionTokens: decision.instructionTokens ?? 0,
    reservationId: decision.reservationId,
    outputTokens: decision.outputTokens,
    boundedByQuota: decision.boundedByQuota,
    ...(decision.keyId === undefined ? {} : { keyId: decision.keyId }),
    admission: { startedAt, ms: Date.now() - startedAt },
  };
}

/**
 * Runs the reserved reply at its vendor (with fallbacks), within what the Limiter allowed. Never
 * throws: a failure is an outcome. A reply the quota cut short ends as stopped, reason `quota`.
 * `whole`: the reply is wanted in one piece, and the vendor is asked for it so.
 */
export async function runReservedReply(
  env: Env,
  reserved: ReservedReply,
  signal: AbortSignal,
  emit: (event: StreamEvent) => void,
  { whole = false } = {},
): Promise<ReplyOutcome> {
  const { spec } = reserved;
  const outcome = await runReply(
    {
      candidates: modelCandidates(env, spec.model),
      system: spec.system,
      messages: spec.messages,
      sampling: spec.sampling,
      ...(spec.tools ? { tools: spec.tools } : {}),
      ...(spec.responseFormat ? { responseFormat: spec.responseFormat } : {}),
      maxOutputTokens: reserved.outputTokens,
      whole,
      signal,
      idleTimeoutMs: Number(env.UPSTREAM_IDLE_TIMEOUT_MS) || DEFAULT_IDLE_TIMEOUT_MS,
    },
    emit,
  );
  return reserved.boundedByQuota && outcome.status === 'complete' && outcome.stopReason === 'max_tokens'
    ? { ...outcome, status: 'stopped', stopReason: 'quota' }
    : outcome;
}

/**
 * Tells the owner's Limiter what the reply used (nothing, for a reply refused after its
 * reservation) and releases the rest. A caller without a store of its own hands over the reply's
 * usage event too, and every reply its timings: the Limiter keeps them until they are published.
 */
export function settleReply(
  env: Env,
  reserved: Pick<ReservedReply, 'reservationId'> & { spec: Pick<ReplySpec, 'userId'> },
  used: number,
  records: { usage?: UsageEventMessage | undefined; timing?: ReplyTimingMessage | undefined } = {},
): Promise<void> {
  return settleQuota(env, reserved.spec.userId, reserved.reservationId, used, records);
}

/** The timings of a reply that ran (`id`: its message's or completion's id). */
export function reservedReplyTiming(id: string, reserved: ReservedReply, outcome: ReplyOutcome): ReplyTimingMessage {
  return replyTiming({
    id,
    surface: reserved.spec.surface,
    model: reserved.spec.model.id,
    colo: reserved.spec.colo,
    admissionMs: reserved.admission.ms,
    outcome,
    occurredAt: new Date(),
  });
}

/** Tokens a reply used: what it is billed and what its reservation is settled with. */
export const tokensUsed = (outcome: Pick<ReplyOutcome, 'inputTokens' | 'outputTokens'>) =>
  outcome.inputTokens + outcome.outputTokens;

/** The usage event of a reply that used tokens (keyed by its `id`, so it is billed once), or undefined. */
export function replyUsage(input: Parameters<typeof usageEvent>[0]): UsageEventMessage | undefined {
  return tokensUsed(input.outcome) > 0 ? usageEvent(input) : undefined;
}

/**
 * The system prompt a user's own reply is sent with: their custom instructions first, then the
 * conversation's system prompt, a blank line between (docs/api.md).
 */
export function composeSystem(instructions: string, system: string | undefined): string {
  return system ? `${instructions}\n\n${system}` : instructions;
}

/** The newest message alone is more than the model can read: nothing is reserved. */
function contextTooLong(model: ModelInfo, promptTokens: number): ReplyRefusal {
  return {
    ok: false,
    status: 400,
    code: 'context_length_exceeded',
    promptTokens,
    message: `This message is too long for ${model.id}: about ${promptTokens.toLocaleString('en')} tokens, and it reads ${model.contextWindow.toLocaleString('en')} with room for a reply. Shorten it, or choose a model with a larger context window`,
  };
}
