// (a) Time to first token: Parley's whole send path against the fake upstream alone, same
// content and directives, same client. Every Parley send goes to a fresh conversation (created
// before the clock starts), so history never grows and no send waits for another's reply.
import type { BenchContext } from './context.ts';
import { assertAllOk } from './context.ts';
import { sendDirect } from './direct.ts';
import { createConversations, sendMessage, timeWorkerFloor } from './parley.ts';
import { sendBothWays } from './side-by-side.ts';
import { compare, percentile, type Comparison } from './stats.ts';
import type { StreamResult } from './timed-stream.ts';

/** A short reply, sent at once: what is left of the time is the relay's. */
export const DIRECTIVE = '[[fake tokens=5 tps=0 ttft=0]]';

export type TtftSummary = Comparison;
/** The Worker's floor under the same conditions: a 404 that touches neither the database nor a Durable Object. */
export type FloorSummary = { p50: number; p99: number };

/** `count` sends one after another, alternating which side goes first, each pair followed by a floor request. */
export async function sequentialTtft(ctx: BenchContext, count: number): Promise<TtftSummary & { floor: FloorSummary }> {
  const ids = await createConversations(ctx.parley, count);
  const parley: StreamResult[] = [];
  const direct: StreamResult[] = [];
  const floor: number[] = [];
  for (const [i, id] of ids.entries()) {
    const pair = await sendBothWays(ctx, id, `Sequential benchmark message ${i} ${DIRECTIVE}`, i);
    parley.push(pair.parley);
    direct.push(pair.direct);
    floor.push(await timeWorkerFloor(ctx.parley));
  }
  return {
    ...summarise('sequential', parley, direct),
    floor: { p50: percentile(floor, 50), p99: percentile(floor, 99) },
  };
}

/** `count` sends at once (each in its own conversation), then `count` direct requests at once. */
export async function concurrentTtft(ctx: BenchContext, count: number): Promise<TtftSummary> {
  const ids = await createConversations(ctx.parley, count);
  const content = (i: number) => `Concurrent benchmark message ${i} ${DIRECTIVE}`;
  const parley = await Promise.all(ids.map((id, i) => sendMessage(ctx.parley, id, content(i))));
  const direct = await Promise.all(ids.map((_, i) => sendDirect(ctx.fakeUrl, content(i))));
  return summarise('concurrent', parley, direct);
}

/** Time to first token of each side, compared; every request must have streamed a token. */
export function summarise(label: string, parley: StreamResult[], direct: StreamResult[]): TtftSummary {
  assertAllOk(`${label} TTFT through Parley`, parley);
  assertAllOk(`${label} TTFT direct`, direct);
  return compare(
    parley.map((r) => r.ttftMs!),
    direct.map((r) => r.ttftMs!),
  );
}
