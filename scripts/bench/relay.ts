// (b) Relay throughput: one long reply sent as fast as the fake can, timed from the request to
// the last token, through Parley and direct, alternating, median of the runs. The direct request
// carries the same max_tokens Parley sends (MAX_REPLY_TOKENS), so both sides relay the same reply.
import type { BenchContext } from './context.ts';
import { expectedReplyText } from '../fake-upstreams.ts';
import { PARLEY_MAX_REPLY_TOKENS } from './direct.ts';
import { createConversations } from './parley.ts';
import { sendBothWays } from './side-by-side.ts';
import { median } from './stats.ts';
import type { StreamResult } from './timed-stream.ts';

const REQUESTED_TOKENS = 20_000;

export type RelaySummary = {
  requestedTokens: number;
  tokens: number;
  runs: number;
  parleyMs: number;
  directMs: number;
  parleyTokensPerSecond: number;
  directTokensPerSecond: number;
  ratio: number;
  parleyRunsMs: number[];
  directRunsMs: number[];
};

export async function relayThroughput(ctx: BenchContext, runs: number): Promise<RelaySummary> {
  const tokens = Math.min(REQUESTED_TOKENS, PARLEY_MAX_REPLY_TOKENS);
  const expected = expectedReplyText('anthropic', REQUESTED_TOKENS, PARLEY_MAX_REPLY_TOKENS);
  const ids = await createConversations(ctx.parley, runs);
  const parley: StreamResult[] = [];
  const direct: StreamResult[] = [];
  for (const [i, id] of ids.entries()) {
    const pair = await sendBothWays(
      ctx,
      id,
      `Relay benchmark ${i} [[fake tokens=${REQUESTED_TOKENS} tps=0 ttft=0]]`,
      i,
    );
    parley.push(pair.parley);
    direct.push(pair.direct);
  }
  for (const [side, results] of [
    ['Parley', parley],
    ['direct', direct],
  ] as const) {
    for (const r of results) {
      if (r.error || r.text !== expected || r.tokens !== tokens || !r.text.endsWith(` token-${tokens}`)) {
        throw new Error(
          `relay (${side}): the reply is not complete: ${r.tokens} tokens, ends "…${r.text.slice(-20)}", error ${r.error ?? 'none'}`,
        );
      }
    }
  }
  const parleyRunsMs = parley.map((r) => r.lastTokenMs!);
  const directRunsMs = direct.map((r) => r.lastTokenMs!);
  const parleyMs = median(parleyRunsMs);
  const directMs = median(directRunsMs);
  return {
    requestedTokens: REQUESTED_TOKENS,
    tokens,
    runs,
    parleyMs,
    directMs,
    parleyTokensPerSecond: (tokens / parleyMs) * 1000,
    directTokensPerSecond: (tokens / directMs) * 1000,
    ratio: directMs / parleyMs,
    parleyRunsMs,
    directRunsMs,
  };
}
