// `npm run bench:images`: only the bench's image phase (scripts/bench/image-ttft.ts), on a stack of
// its own started as `npm run bench` starts it, for checking a change to attachments without the
// whole bench. Prints the figures; writes nothing (`npm run bench` records them in bench/results.json).
import type { BenchContext } from './bench/context.ts';
import { imageTtft } from './bench/image-ttft.ts';
import { signIn } from './bench/parley.ts';
import { onPhaseStack } from './bench/phase-stack.ts';
import { liftLimits } from './bench/postgres.ts';
import { connectV1 } from './bench/v1.ts';
import { warmUp } from './bench/warmup.ts';

const SENDS = Number(process.env.BENCH_IMAGE_SENDS) || 100;

await onPhaseStack(
  'images',
  async (stack) => {
    const parley = await signIn(stack.url, 'bench@parley.example');
    await liftLimits(stack.gateway.url, parley.userId);
    const ctx: BenchContext = { parley, v1: await connectV1({ parley }), fakeUrl: stack.upstreams.url };
    await warmUp(ctx);
    console.log(`${SENDS} image sends and ${SENDS} text sends, alternating…`);
    const s = await imageTtft(ctx, SENDS);
    console.log(
      `TTFT image p50 ${s.imageP50.toFixed(1)} ms, p99 ${s.imageP99.toFixed(1)} ms; text p50 ${s.textP50.toFixed(1)} ms, p99 ${s.textP99.toFixed(1)} ms; delta p50 ${s.deltaP50.toFixed(1)} ms (a ${s.imageBytes}-byte PNG)`,
    );
  },
  { keepOnFailure: true },
);
