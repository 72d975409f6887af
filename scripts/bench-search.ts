// `npm run bench:search`: only the bench's search phase (scripts/bench/search.ts), on a stack of its
// own started as `npm run bench` starts it, for checking a change to search without the whole
// bench. Prints the figures; writes nothing (`npm run bench` records them in bench/results.json).
import { signIn } from './bench/parley.ts';
import { onPhaseStack } from './bench/phase-stack.ts';
import { SEARCH } from './bench/search-settings.ts';
import { searchLatency } from './bench/search.ts';

await onPhaseStack('search', async (stack) => {
  const parley = await signIn(stack.url, 'bench@parley.example');
  console.log(`seeding ${SEARCH.conversations.toLocaleString('en')} conversations, then ${SEARCH.samples} searches…`);
  const s = await searchLatency(parley, stack.gateway.url, SEARCH);
  console.log(
    `search over ${s.conversations.toLocaleString('en')} conversations (${s.messages.toLocaleString('en')} messages, seeded in ${(s.seedMs / 1000).toFixed(1)} s): p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms; ${s.meanResults.toFixed(1)} results a query`,
  );
  console.log(`slowest queries (p50): ${s.slowest.map((q) => `${q.query} ${q.p50.toFixed(1)} ms`).join(', ')}`);
});
