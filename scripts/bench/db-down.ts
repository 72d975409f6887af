// (f) The database away: with the gateway stopped, conversations are made and messages sent as a
// user would, and the replies that stream to `done` are counted. Then the gateway comes back
// (same port, same data) and Postgres is polled until every streamed reply is there, complete and
// with the text that was streamed, beside the user's message, or until the deadline. Failures
// are reported, not thrown: before the write-behind exists these sends are refused with 503.
import { setTimeout as delay } from 'node:timers/promises';
import type { BenchContext } from './context.ts';
import { createConversation, sendWhenIdle } from './parley.ts';
import { storedMessages } from './postgres.ts';

const DIRECTIVE = '[[fake tokens=5 tps=0 ttft=0]]';
const POLL_MS = 250;

export type DbDownOptions = {
  conversations: number;
  sendsPerConversation: number;
  /** How long Postgres gets, once back, to hold every streamed reply. */
  persistDeadlineMs: number;
};

export type DbDownSummary = {
  total: number;
  /** Replies that streamed to `done` while the database was stopped. */
  streamed: number;
  /** Of those, replies found in Postgres (status complete, same text) with the user's message. */
  persisted: number;
  /** From the database's return to the last streamed reply found; undefined if none streamed or some never arrived. */
  persistedAfterMs: number | undefined;
  downForMs: number;
  failures: string[];
};

type Sent = { conversationId: string; content: string; replyId: string; text: string };

export type Database = {
  stopDatabase(): Promise<void>;
  startDatabase(): Promise<void>;
  readonly gateway: { url: string };
};

export async function sendsWhileDatabaseDown(
  ctx: BenchContext,
  database: Database,
  options: DbDownOptions,
): Promise<DbDownSummary> {
  const total = options.conversations * options.sendsPerConversation;
  const failures: string[] = [];
  const sent: Sent[] = [];
  await database.stopDatabase();
  const downAt = performance.now();
  let downForMs: number;
  try {
    for (let c = 0; c < options.conversations; c++) {
      let conversationId: string;
      try {
        conversationId = await createConversation(ctx.parley);
      } catch (error) {
        failures.push(`${options.sendsPerConversation} not sent: ${(error as Error).message}`);
        continue;
      }
      for (let s = 0; s < options.sendsPerConversation; s++) {
        const content = `Outage ${c}.${s} ${DIRECTIVE}`;
        const r = await sendWhenIdle(ctx.parley, conversationId, content);
        if (r.error || r.stopReason === undefined || !r.replyId) failures.push(`send: ${r.error ?? 'no done event'}`);
        else sent.push({ conversationId, content, replyId: r.replyId, text: r.text });
      }
    }
  } finally {
    downForMs = performance.now() - downAt;
    await database.startDatabase();
  }
  const backAt = performance.now();

  // Each streamed reply's problem in Postgres ('' once it is there as streamed).
  let problems = sent.map(() => 'not checked: Postgres did not answer');
  for (;;) {
    problems = await persistenceProblems(database.gateway.url, sent).catch(() => problems);
    if (problems.every((p) => p === '') || performance.now() - backAt > options.persistDeadlineMs) break;
    await delay(POLL_MS);
  }
  const persisted = problems.filter((p) => p === '').length;
  const persistedAfterMs = sent.length > 0 && persisted === sent.length ? performance.now() - backAt : undefined;
  for (const problem of problems) {
    if (problem) failures.push(`${problem} ${options.persistDeadlineMs / 1000} s after the database came back`);
  }
  return { total, streamed: sent.length, persisted, persistedAfterMs, downForMs, failures: summarise(failures) };
}

/** Per streamed reply, what Postgres lacks: '' when it holds the reply as streamed and the user's message. */
async function persistenceProblems(gatewayUrl: string, sent: Sent[]): Promise<string[]> {
  const rows = await storedMessages(gatewayUrl, [...new Set(sent.map((s) => s.conversationId))]);
  const byId = new Map(rows.map((row) => [row.id, row]));
  const asked = new Set(
    rows.filter((row) => row.role === 'user').map((row) => `${row.conversationId}\n${row.content}`),
  );
  return sent.map((s) => {
    const reply = byId.get(s.replyId);
    if (!reply) return 'reply not in Postgres';
    if (reply.status !== 'complete') return `reply in Postgres with status ${reply.status}`;
    if (reply.content !== s.text) return 'reply in Postgres with other text than was streamed';
    if (!asked.has(`${s.conversationId}\n${s.content}`)) return "user's message not in Postgres";
    return '';
  });
}

/** Identical failures once each, with a count. */
function summarise(failures: string[]): string[] {
  const counts = new Map<string, number>();
  for (const failure of failures) counts.set(failure, (counts.get(failure) ?? 0) + 1);
  return [...counts].map(([failure, n]) => (n > 1 ? `${n}× ${failure}` : failure));
}
