import type { BenchContext } from './context.ts';
import { sendDirect } from './direct.ts';
import { sendMessage } from './parley.ts';
import type { StreamResult } from './timed-stream.ts';

/**
 * The same message through Parley and straight to the fake, one after the other. Which side goes
 * first alternates with `round`, so neither always meets a warmer machine.
 */
export async function sendBothWays(ctx: BenchContext, conversationId: string, content: string, round: number) {
  let parley: StreamResult;
  let direct: StreamResult;
  if (round % 2 === 0) {
    parley = await sendMessage(ctx.parley, conversationId, content);
    direct = await sendDirect(ctx.fakeUrl, content);
  } else {
    direct = await sendDirect(ctx.fakeUrl, content);
    parley = await sendMessage(ctx.parley, conversationId, content);
  }
  return { parley, direct };
}
