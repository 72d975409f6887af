// A reply's timings: what every reply (a chat send, a widget visitor's reply, a /v1 completion;
// complete, stopped or failed) puts on the `usage-events` queue beside its usage event, through its
// owner's Limiter, so recording it costs the request nothing. The hourly cron rolls them up into
// percentiles per day, model and version (worker/jobs/aggregate-timings.ts).
import * as z from 'zod';
import { REPLY_SURFACES, type ReplySurface } from '../../drizzle/schema.ts';
import type { ReplyOutcome } from '../chat/outcome.ts';
import { VERSION } from '../version.ts';

const INT4_MAX = 2_147_483_647;
const ms = z.number().int().nonnegative().max(INT4_MAX);

export const replyTimingMessage = z.object({
  kind: z.literal('reply-timing'),
  id: z.uuid(),
  surface: z.enum(REPLY_SURFACES),
  model: z.string().min(1),
  answeredBy: z.string().min(1),
  status: z.string().min(1),
  errorCode: z.string().nullable(),
  ttftMs: ms.nullable(),
  durationMs: ms,
  colo: z.string().min(1).nullable(),
  version: z.string().min(1),
  occurredAt: z.iso.datetime(),
});
export type ReplyTimingMessage = z.infer<typeof replyTimingMessage>;

/**
 * The timings of one reply. `startedAt` is when the reply was asked of its owner's Limiter, so the
 * time to first token includes Parley's own admission, not only the vendor's answer; `model` is
 * the model asked for (a fallback answering shows as `answeredBy`).
 */
export function replyTiming(input: {
  id: string;
  surface: ReplySurface;
  model: string;
  colo?: string | undefined;
  /** Milliseconds from the reply's admission being asked to the vendor call starting. */
  admissionMs: number;
  outcome: ReplyOutcome;
  occurredAt: Date;
}): ReplyTimingMessage {
  const { outcome } = input;
  const admission = Math.max(0, Math.round(input.admissionMs));
  return {
    kind: 'reply-timing',
    id: input.id,
    surface: input.surface,
    model: input.model,
    answeredBy: outcome.model,
    status: outcome.status,
    errorCode: outcome.errorCode,
    ttftMs: outcome.timeToFirstTokenMs === null ? null : clamp(admission + outcome.timeToFirstTokenMs),
    durationMs: clamp(admission + outcome.durationMs),
    colo: input.colo ?? null,
    version: VERSION,
    occurredAt: input.occurredAt.toISOString(),
  };
}

const clamp = (n: number) => Math.min(INT4_MAX, Math.max(0, Math.round(n)));
