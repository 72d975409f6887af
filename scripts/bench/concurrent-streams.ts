// (c) Many conversations streaming through Parley at once: each reply must arrive exactly as the
// fake sent it and end with `done`.
import type { BenchContext } from './context.ts';
import { expectedReplyText } from '../fake-upstreams.ts';
import { createConversations, sendMessage } from './parley.ts';
import { percentile } from './stats.ts';

const TOKENS = 200;
const DIRECTIVE = `[[fake tokens=${TOKENS} tps=100]]`;

export type StreamsSummary = {
  total: number;
  ok: number;
  ttftP50: number;
  ttftP99: number;
  slowestMs: number;
  failures: string[];
};

export async function concurrentStreams(ctx: BenchContext, count: number): Promise<StreamsSummary> {
  const expected = expectedReplyText('anthropic', TOKENS);
  const ids = await createConversations(ctx.parley, count);
  const results = await Promise.all(ids.map((id, i) => sendMessage(ctx.parley, id, `Stream ${i} ${DIRECTIVE}`)));
  const failures: string[] = [];
  for (const r of results) {
    if (r.error) failures.push(r.error);
    else if (r.text !== expected) failures.push(`text differs: ${r.tokens} tokens, ends "…${r.text.slice(-20)}"`);
    else if (r.stopReason === undefined) failures.push('no done event');
  }
  const ttfts = results.flatMap((r) => (r.ttftMs === undefined ? [] : [r.ttftMs]));
  return {
    total: count,
    ok: count - failures.length,
    ttftP50: percentile(ttfts, 50),
    ttftP99: percentile(ttfts, 99),
    slowestMs: Math.max(...results.map((r) => r.totalMs)),
    failures: [...new Set(failures)].slice(0, 5),
  };
}
