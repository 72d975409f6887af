// How every /v1 API answers one completion, whatever its wire format: the reply is started
// (reserve → run → settle), its billing and the key's last use are kept alive behind the answer,
// and the answer is the format's event stream (held until the first token) or, not streamed, the
// format's body with the call's cost in a header.
import type { Context } from 'hono';
import type { AppEnv } from '../env.ts';
import { noteKeyUsed } from '../auth/index.ts';
import { completionFailure, startCompletion, type CompletionInput } from './completion.ts';
import { completionStream, type CompletionWriter } from './completion-stream.ts';
import { SSE_HEADERS } from './events.ts';
import type { ReplyOutcome } from './outcome.ts';

/** The header a completion not streamed carries its cost in (US dollars, as billed). */
export const COST_HEADER = 'x-parley-cost-usd';

export async function answerCompletion(
  c: Context<AppEnv>,
  input: Omit<CompletionInput, 'signal'> & { stream: boolean },
  format: { writer: () => CompletionWriter; body: (outcome: ReplyOutcome) => object },
): Promise<Response> {
  const stream = input.stream ? completionStream(format.writer()) : undefined;
  const completion = await startCompletion(
    c.env,
    { ...input, whole: !input.stream, signal: stream?.signal ?? new AbortController().signal },
    (event) => stream?.onEvent(event),
  );
  c.executionCtx.waitUntil(completion.billed);
  noteKeyUsed(c.var.db, completion.keyId, (p) => c.executionCtx.waitUntil(p));

  if (stream) return new Response(await stream.open(completion.outcome), { headers: SSE_HEADERS });
  const outcome = await completion.outcome;
  if (outcome.status === 'error') throw completionFailure(outcome);
  c.header(COST_HEADER, outcome.costUsd);
  return c.json(format.body(outcome));
}
