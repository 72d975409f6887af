// (e) A far-away database: the same sequential sends with the gateway answering every request
// `latencyMs` late and with no delay, interleaved in one run so both meet the same machine. The
// conversations are warm, as a user's are: each gets an untimed first send, then several timed
// ones, so the room already holds the conversation. A send that waits on Postgres shows the whole
// delay in its time to first token; a send kept off the network shows none of it.
import type { BenchContext } from './context.ts';
import { assertAllOk } from './context.ts';
import { createConversations, sendWhenIdle } from './parley.ts';
import { percentile } from './stats.ts';

const DIRECTIVE = '[[fake tokens=5 tps=0 ttft=0]]';

export type DbFarOptions = { latencyMs: number; conversations: number; sendsPerConversation: number };

export type DbFarSummary = {
  latencyMs: number;
  samples: number;
  nearP50: number;
  nearP99: number;
  farP50: number;
  farP99: number;
  deltaP50: number;
  deltaP99: number;
  /** Sends refused with 409 because the room was still finishing the previous reply (retried, untimed). */
  busyRetries: number;
};

/** `setLatency` switches the gateway's delay (Stack.gateway.setLatency); it is 0 again afterwards. */
export async function dbFarDelta(
  ctx: BenchContext,
  setLatency: (ms: number) => Promise<void>,
  options: DbFarOptions,
): Promise<DbFarSummary> {
  const sides = [
    { name: 'near', latencyMs: 0 },
    { name: 'far', latencyMs: options.latencyMs },
  ] as const;
  const ids = await createConversations(ctx.parley, options.conversations * 2);
  const conversations = { near: ids.slice(0, options.conversations), far: ids.slice(options.conversations) };
  const ttft = { near: [] as number[], far: [] as number[] };
  let busyRetries = 0;
  try {
    for (let round = 0; round <= options.sendsPerConversation; round++) {
      for (let i = 0; i < options.conversations; i++) {
        // Which side goes first alternates, so neither always follows the other's background writes.
        const order = (round + i) % 2 === 0 ? sides : ([sides[1], sides[0]] as const);
        for (const side of order) {
          await setLatency(side.latencyMs);
          const result = await sendWhenIdle(
            ctx.parley,
            conversations[side.name][i]!,
            `Far database ${side.name} ${i}.${round} ${DIRECTIVE}`,
          );
          assertAllOk(`database ${side.name} (${side.latencyMs} ms) send`, [result]);
          busyRetries += result.busyRetries;
          if (round > 0) ttft[side.name].push(result.ttftMs!); // round 0 warms the conversation
        }
      }
    }
  } finally {
    await setLatency(0);
  }
  const nearP50 = percentile(ttft.near, 50);
  const nearP99 = percentile(ttft.near, 99);
  const farP50 = percentile(ttft.far, 50);
  const farP99 = percentile(ttft.far, 99);
  return {
    latencyMs: options.latencyMs,
    samples: ttft.near.length,
    nearP50,
    nearP99,
    farP50,
    farP99,
    deltaP50: farP50 - nearP50,
    deltaP99: farP99 - nearP99,
    busyRetries,
  };
}
