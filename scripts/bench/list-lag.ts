// (g) How far the conversation list lags what a person just did. Lists come from Postgres, which
// the rooms write behind; this is the time from a create's 201, or a send's last event, until
// GET /api/conversations shows that conversation first. Polled back to back, so the figure
// includes up to one list request of resolution.
import { createConversation, sendMessage, type Parley } from './parley.ts';
import { percentile } from './stats.ts';

export type ListLagSummary = {
  samples: number;
  afterCreateP50: number;
  afterCreateP99: number;
  afterSendP50: number;
  afterSendP99: number;
};

const GIVE_UP_MS = 10_000;

export async function listLag(parley: Parley, samples: number): Promise<ListLagSummary> {
  const afterCreate: number[] = [];
  const afterSend: number[] = [];
  const older = await createConversation(parley);
  await untilFirst(parley, older);
  for (let i = 0; i < samples; i++) {
    const created = performance.now();
    const id = await createConversation(parley);
    afterCreate.push(await untilFirst(parley, id, created));
    // The older conversation moves back to the top once Postgres has the send.
    const target = i % 2 === 0 ? older : id;
    const sent = await sendMessage(parley, target, `List lag ${i} [[fake tokens=3 tps=0 ttft=0]]`);
    if (sent.error) throw new Error(`list lag: a send failed: ${sent.error}`);
    afterSend.push(await untilFirst(parley, target, performance.now()));
  }
  return {
    samples,
    afterCreateP50: percentile(afterCreate, 50),
    afterCreateP99: percentile(afterCreate, 99),
    afterSendP50: percentile(afterSend, 50),
    afterSendP99: percentile(afterSend, 99),
  };
}

/** Milliseconds from `since` until the list's first item is `id`. */
async function untilFirst(parley: Parley, id: string, since = performance.now()): Promise<number> {
  while (performance.now() - since < GIVE_UP_MS) {
    const res = await fetch(`${parley.url}/api/conversations?limit=1`, {
      headers: { authorization: `Bearer ${parley.token}` },
    });
    const body = (await res.json()) as { items?: { id: string }[] };
    if (body.items?.[0]?.id === id) return performance.now() - since;
  }
  throw new Error(`list lag: conversation ${id} did not reach the top of the list within ${GIVE_UP_MS / 1000} s`);
}
