// Warm-up: a few sends each way before anything is timed, so the Worker's first-request module
// loading, the first Durable Object and the first database connections are not measured; the same
// for /v1, streamed and not. It also checks that Parley calls the fake with the same model the
// direct requests name, from either path.
import type { BenchContext } from './context.ts';
import { assertAllOk } from './context.ts';
import { completeDirect, DIRECT_MODEL, sendDirect } from './direct.ts';
import { createConversations, sendMessage } from './parley.ts';
import { complete, streamCompletion } from './v1-api.ts';

const WARMUP_SENDS = 5;

export async function warmUp(ctx: BenchContext): Promise<void> {
  const ids = await createConversations(ctx.parley, WARMUP_SENDS);
  const key = `bench-warmup-${Date.now().toString(36)}`;
  for (const [i, id] of ids.entries()) {
    const content = `Warm-up ${i} [[fake tokens=5 tps=0 ttft=0 key=${key}]]`;
    assertAllOk('warm-up', [
      await sendMessage(ctx.parley, id, content),
      await sendDirect(ctx.fakeUrl, content),
      await streamCompletion(ctx.v1, content),
    ]);
    for (const r of [await complete(ctx.v1, content), await completeDirect(ctx.fakeUrl, content)]) {
      if (r.error) throw new Error(`warm-up (not streamed): ${r.error}`);
    }
  }
  const logged = (await (await fetch(`${ctx.fakeUrl}/__control/requests?key=${key}`)).json()) as { model: string }[];
  const models = new Set(logged.map((r) => r.model));
  if (models.size !== 1 || !models.has(DIRECT_MODEL)) {
    throw new Error(
      `warm-up: Parley asked the fake for ${[...models].join(', ')}, the direct requests for ${DIRECT_MODEL}; the comparison would not be like for like`,
    );
  }
  await fetch(`${ctx.fakeUrl}/__control/requests`, { method: 'DELETE' });
}
