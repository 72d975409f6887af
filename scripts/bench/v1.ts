// (i) The OpenAI-compatible API: POST /v1/chat/completions with the bench user's API key (verified
// and its quota reserved by the Limiter, limits on), against the same request straight to the fake,
// measured as (a) measures a chat send: one after another, alternating which side goes first, each
// round followed by the same floor request. Streamed: time to the first chunk carrying content.
// Not streamed: time to the end of the `chat.completion`, against the fake's `stream: false` reply.
import type { BenchContext } from './context.ts';
import { completeDirect, sendDirect } from './direct.ts';
import { timeWorkerFloor } from './parley.ts';
import { LIFTED_LIMITS } from './postgres.ts';
import { inTurn } from './side-by-side.ts';
import { compare, percentile, type Comparison } from './stats.ts';
import type { JsonResult } from './timed-json.ts';
import type { StreamResult } from './timed-stream.ts';
import { DIRECTIVE, summarise, type FloorSummary } from './ttft.ts';
import { complete, createApiKey, keyPlan, streamCompletion, type V1 } from './v1-api.ts';

export type V1Summary = { ttft: Comparison; tools: Comparison; total: Comparison; floor: FloorSummary };

/** The bench user's API key, made through POST /api/keys; refuses to go on unless the key's limits are the lifted ones. */
export async function connectV1(ctx: Pick<BenchContext, 'parley'>): Promise<V1> {
  const v1 = { url: ctx.parley.url, key: await createApiKey(ctx.parley, 'bench') };
  const plan = await keyPlan(v1);
  if (
    plan.requestsPerMinute !== LIFTED_LIMITS.requestsPerMinute ||
    plan.concurrentStreams !== LIFTED_LIMITS.concurrentStreams
  ) {
    throw new Error(
      `the API key's owner is on ${JSON.stringify(plan)}, not the lifted limits: the Limiter was seeded before liftLimits`,
    );
  }
  return v1;
}

/** `count` rounds: a streamed pair, the same with a tool offered, a non-streamed pair, then a floor request. */
export async function sequentialV1(ctx: BenchContext, count: number): Promise<V1Summary> {
  const streamed: { parley: StreamResult; direct: StreamResult }[] = [];
  const withTools: { parley: StreamResult; direct: StreamResult }[] = [];
  const whole: { parley: JsonResult; direct: JsonResult }[] = [];
  const floor: number[] = [];
  for (let i = 0; i < count; i++) {
    const content = `V1 benchmark message ${i} ${DIRECTIVE}`;
    streamed.push(
      await inTurn(
        i,
        () => streamCompletion(ctx.v1, content),
        () => sendDirect(ctx.fakeUrl, content),
      ),
    );
    withTools.push(
      await inTurn(
        i,
        () => streamCompletion(ctx.v1, content, true),
        () => sendDirect(ctx.fakeUrl, content, true),
      ),
    );
    whole.push(
      await inTurn(
        i,
        () => complete(ctx.v1, content),
        () => completeDirect(ctx.fakeUrl, content),
      ),
    );
    floor.push(await timeWorkerFloor(ctx.parley));
  }
  const ttft = summarise(
    '/v1 streamed',
    streamed.map((p) => p.parley),
    streamed.map((p) => p.direct),
  );
  const tools = summarise(
    '/v1 streamed with a tool offered',
    withTools.map((p) => p.parley),
    withTools.map((p) => p.direct),
  );
  const failed = whole.flatMap((p) => [p.parley, p.direct]).find((r) => r.error);
  if (failed) throw new Error(`/v1 not streamed: a request failed (HTTP ${failed.status}): ${failed.error}`);
  for (const [kind, pairs] of [
    ['streamed', streamed],
    ['streamed with a tool offered', withTools],
    ['not streamed', whole],
  ] as const) {
    const differs = pairs.find((p) => p.parley.text !== p.direct.text);
    if (differs)
      throw new Error(
        `/v1 ${kind}: Parley answered "${differs.parley.text}", the fake directly "${differs.direct.text}"`,
      );
  }
  return {
    ttft,
    tools,
    total: compare(
      whole.map((p) => p.parley.totalMs),
      whole.map((p) => p.direct.totalMs),
    ),
    floor: { p50: percentile(floor, 50), p99: percentile(floor, 99) },
  };
}
