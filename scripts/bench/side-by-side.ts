import type { BenchContext } from './context.ts';
import { sendDirect } from './direct.ts';
import { sendMessage } from './parley.ts';
import type { StreamResult } from './timed-stream.ts';

/**
 * Two requests one after the other, Parley's and the direct one. Which goes first alternates
 * with `round`, so neither always meets a warmer machine.
 */
export async function inTurn<P, D>(
  round: number,
  parley: () => Promise<P>,
  direct: () => Promise<D>,
): Promise<{ parley: P; direct: D }> {
  if (round % 2 === 0) {
    const p = await parley();
    return { parley: p, direct: await direct() };
  }
  const d = await direct();
  return { parley: await parley(), direct: d };
}

/** The same chat message through Parley and straight to the fake, in turn. */
export function sendBothWays(
  ctx: BenchContext,
  conversationId: string,
  content: string,
  round: number,
): Promise<{ parley: StreamResult; direct: StreamResult }> {
  return inTurn(
    round,
    () => sendMessage(ctx.parley, conversationId, content),
    () => sendDirect(ctx.fakeUrl, content),
  );
}
