// (k) Search over 10,000 conversations: the bench user gets a corpus written straight into the
// bench's Postgres through the gateway (as `npm run seed` writes its conversations), made from a
// fixed pseudo-random vocabulary whose word frequencies follow Zipf's law as natural text does, so
// queries range from a word in nearly every message to one in a handful. Then GET /api/search is
// timed one request after another with a mix of such queries, through the Worker, under RLS.
import { neon, neonConfig } from '@neondatabase/serverless';
import type { Parley } from './parley.ts';
import { percentile } from './stats.ts';

export type SearchSummary = {
  conversations: number;
  messages: number;
  samples: number;
  p50: number;
  p95: number;
  p99: number;
  seedMs: number;
  /** Mean results per query: shows the queries find something. */
  meanResults: number;
  /** The slowest queries' median times, slowest first: where to look when p95 moves. */
  slowest: Array<{ query: string; p50: number }>;
};

const CONNECTION_STRING = 'postgresql://bench@127.0.0.1/parley';
const VOCABULARY = 5000;
const CONVERSATIONS_PER_INSERT = 250;

/** A small deterministic PRNG (mulberry32): the same corpus and queries on every run. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ren',
  'tu',
  'sa',
  'vel',
  'dor',
  'ni',
  'po',
  'zan',
  'qui',
  'bel',
  'tor',
  'fa',
  'gu',
];

/** Word `rank` of the vocabulary (0 the most frequent): made of syllables, distinct per rank, never an English stop word. */
function word(rank: number): string {
  let n = rank + SYLLABLES.length;
  let out = '';
  while (n > 0) {
    out += SYLLABLES[n % SYLLABLES.length];
    n = Math.floor(n / SYLLABLES.length);
  }
  return out;
}

/** A Zipf-distributed rank: rank r is drawn about 1/(r+1) as often as rank 0. */
function zipf(next: () => number): number {
  return Math.min(VOCABULARY - 1, Math.floor(Math.exp(next() * Math.log(VOCABULARY + 1)) - 1));
}

function sentence(next: () => number, words: number): string {
  return Array.from({ length: words }, () => word(zipf(next))).join(' ');
}

/** Writes `count` conversations of `perConversation` messages each for the user, as Postgres rows. */
export async function seedSearchCorpus(gatewayUrl: string, userId: string, count: number, perConversation: number) {
  neonConfig.fetchEndpoint = gatewayUrl;
  const sql = neon(CONNECTION_STRING);
  await sql.query('insert into profiles (id) values ($1) on conflict (id) do nothing', [userId]);
  const next = random(22);
  const start = Date.now() - count * 60_000;
  for (let from = 0; from < count; from += CONVERSATIONS_PER_INSERT) {
    const ids: string[] = [];
    const titles: string[] = [];
    const times: string[] = [];
    const messageRows: { conversation: string[]; role: string[]; content: string[]; at: string[] } = {
      conversation: [],
      role: [],
      content: [],
      at: [],
    };
    for (let i = from; i < Math.min(count, from + CONVERSATIONS_PER_INSERT); i++) {
      const id = crypto.randomUUID();
      const at = start + i * 60_000;
      ids.push(id);
      titles.push(sentence(next, 3 + Math.floor(next() * 4)));
      times.push(new Date(at + perConversation * 1000).toISOString());
      for (let m = 0; m < perConversation; m++) {
        messageRows.conversation.push(id);
        messageRows.role.push(m % 2 === 0 ? 'user' : 'assistant');
        // Questions short, replies long, as in chat.
        messageRows.content.push(
          sentence(next, m % 2 === 0 ? 8 + Math.floor(next() * 20) : 40 + Math.floor(next() * 120)),
        );
        messageRows.at.push(new Date(at + m * 1000).toISOString());
      }
    }
    await sql.transaction([
      sql.query(
        `insert into conversations (id, user_id, title, active_at, created_at, updated_at)
           select id, $1, title, at, at, at from unnest($2::uuid[], $3::text[], $4::timestamptz[]) as t(id, title, at)`,
        [userId, ids, titles, times],
      ),
      sql.query(
        `insert into messages (conversation_id, user_id, role, content, created_at)
           select c, $1, r, content, at from unnest($2::uuid[], $3::text[], $4::text[], $5::timestamptz[]) as t(c, r, content, at)`,
        [userId, messageRows.conversation, messageRows.role, messageRows.content, messageRows.at],
      ),
    ]);
  }
  await sql.query('analyze conversations');
  await sql.query('analyze messages');
}

/** The queries, in turn: a word in most messages, one in many, in some, in few; two words; a phrase; part of a title's word. */
function queries(): string[] {
  const next = random(7);
  const list: string[] = [];
  for (let i = 0; i < 10; i++) {
    list.push(
      word(i),
      word(20 + i * 3),
      word(300 + i * 17),
      word(3000 + i * 53),
      `${word(5 + i)} ${word(100 + i * 7)}`,
      `"${word(zipf(next))} ${word(zipf(next))}"`,
      word(40 + i).slice(0, 5),
    );
  }
  return list;
}

/** Times `samples` searches through GET /api/search, one after another (after a few untimed). */
export async function searchLatency(
  parley: Parley,
  gatewayUrl: string,
  options: { conversations: number; messagesPerConversation: number; samples: number },
): Promise<SearchSummary> {
  const seeding = performance.now();
  await seedSearchCorpus(gatewayUrl, parley.userId, options.conversations, options.messagesPerConversation);
  const seedMs = performance.now() - seeding;
  const mix = queries();
  const search = async (q: string) => {
    const res = await fetch(`${parley.url}/api/search?q=${encodeURIComponent(q)}`, {
      headers: { authorization: `Bearer ${parley.token}` },
    });
    if (res.status !== 200) throw new Error(`search: HTTP ${res.status} for ${q}: ${await res.text()}`);
    return ((await res.json()) as { items: unknown[] }).items.length;
  };
  for (const q of mix.slice(0, 10)) await search(q);
  const timings: number[] = [];
  const byQuery = new Map<string, number[]>();
  let found = 0;
  for (let i = 0; i < options.samples; i++) {
    const q = mix[i % mix.length]!;
    const started = performance.now();
    found += await search(q);
    const took = performance.now() - started;
    timings.push(took);
    byQuery.set(q, [...(byQuery.get(q) ?? []), took]);
  }
  const slowest = [...byQuery]
    .map(([query, times]) => ({ query, p50: percentile(times, 50) }))
    .sort((a, b) => b.p50 - a.p50)
    .slice(0, 5);
  return {
    conversations: options.conversations,
    messages: options.conversations * options.messagesPerConversation,
    samples: timings.length,
    p50: percentile(timings, 50),
    p95: percentile(timings, 95),
    p99: percentile(timings, 99),
    seedMs,
    meanResults: found / timings.length,
    slowest,
  };
}
