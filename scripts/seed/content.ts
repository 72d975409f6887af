// The sample conversations `npm run seed` writes for the demo user: three per provider, each turn
// placed some days back so usage spreads over the last 30 days. Edit freely: ids derive from the
// conversation's `key` and the turn's position, so a changed text under the same key is not
// rewritten in a database already seeded (the seed never overwrites).

export type SeedTurn = {
  /** Whole days before the first seed run, and the UTC hour and minute of the question. */
  daysAgo: number;
  at: [hour: number, minute: number];
  question: string;
  answer: string;
};
export type SeedConversation = { key: string; title: string; model: string; systemPrompt?: string; turns: SeedTurn[] };

export const SEED_CONVERSATIONS: SeedConversation[] = [
  {
    key: 'slow-orders-query',
    title: 'Why is this orders query slow?',
    model: 'anthropic/claude-sonnet-5-5',
    turns: [
      {
        daysAgo: 27,
        at: [9, 12],
        question:
          "Why is this slow on a 40M-row table?\n\n```sql\nselect * from orders where customer_id = $1 and status = 'open' order by created_at desc limit 20;\n```\nThere is an index on customer_id.",
        answer:
          "Postgres can use your `customer_id` index to find the customer's rows, but it then has to **fetch every one of them**, filter on `status` and sort by `created_at` before it can return 20. For a customer with many orders that is a lot of random heap reads and a sort.\n\nGive it an index that matches the whole query:\n\n```sql\ncreate index concurrently orders_customer_open_recent_idx\n  on orders (customer_id, created_at desc)\n  where status = 'open';\n```\n\nWith it the plan becomes an *Index Scan* that stops after 20 rows: no sort, no filter. Check with `explain (analyze, buffers)` before and after; you should see the `Sort` node disappear and shared buffer reads drop by orders of magnitude.",
      },
      {
        daysAgo: 27,
        at: [9, 20],
        question: 'Does the partial index still help if most orders are open?',
        answer:
          'Less so. A partial index pays off when the predicate is selective: if 90% of orders are open it is nearly the size of a full index, and you gain little.\n\nIn that case drop the `where` and put `status` in the key instead:\n\n```sql\ncreate index concurrently orders_customer_status_recent_idx\n  on orders (customer_id, status, created_at desc);\n```\n\nIt serves this query just as well (equality on the first two columns, order by the third) and also serves queries for other statuses.',
      },
    ],
  },
  {
    key: 'standup-summary',
    title: 'Summarise the standup notes',
    model: 'anthropic/claude-haiku-4-5',
    turns: [
      {
        daysAgo: 19,
        at: [10, 5],
        question:
          'Summarise for the team channel, three bullets max:\n\nAna: billing webhook retries done, PR up. Marc: blocked on staging DB credentials, asked ops. Lee: widget CSS isolation, shadow DOM works in Safari, testing Firefox today. Ana and Lee pairing on the release checklist Thursday.',
        answer:
          "- **Billing**: webhook retries are done; Ana's PR is up for review.\n- **Widget**: shadow DOM isolation works in Safari; Lee tests Firefox today.\n- **Blocked**: Marc is waiting on staging DB credentials from ops. Ana and Lee pair on the release checklist on Thursday.",
      },
    ],
  },
  {
    key: 'retry-helper-review',
    title: 'Review my retry helper',
    model: 'anthropic/claude-sonnet-5-5',
    systemPrompt: 'You are a senior TypeScript reviewer. Be direct; show code for every fix.',
    turns: [
      {
        daysAgo: 6,
        at: [14, 41],
        question:
          'Anything wrong here?\n\n```ts\nexport async function retry<T>(fn: () => Promise<T>, times = 3): Promise<T> {\n  try {\n    return await fn();\n  } catch (e) {\n    if (times === 0) throw e;\n    await new Promise((r) => setTimeout(r, 1000));\n    return retry(fn, times - 1);\n  }\n}\n```',
        answer:
          'Three things:\n\n1. **Fixed delay**: every caller retries in lockstep. Use exponential backoff with jitter.\n2. **Retries everything**, including errors that will never succeed (a 400, a bug). Let the caller decide.\n3. **No way to cancel**: a request the user abandoned keeps retrying.\n\n```ts\nexport async function retry<T>(\n  fn: (signal: AbortSignal) => Promise<T>,\n  { attempts = 3, baseMs = 250, retryable = () => true, signal = new AbortController().signal } = {},\n): Promise<T> {\n  for (let attempt = 0; ; attempt++) {\n    try {\n      return await fn(signal);\n    } catch (error) {\n      if (attempt + 1 >= attempts || !retryable(error) || signal.aborted) throw error;\n      const delay = baseMs * 2 ** attempt * (0.5 + Math.random());\n      await new Promise((resolve) => setTimeout(resolve, delay));\n    }\n  }\n}\n```\n\nThe loop also avoids building a promise chain as deep as the number of attempts.',
      },
      {
        daysAgo: 5,
        at: [8, 58],
        question: 'How would I test the backoff without waiting for real timers?',
        answer:
          "Use fake timers and advance them explicitly. With Vitest:\n\n```ts\nvi.useFakeTimers();\nconst fn = vi.fn().mockRejectedValueOnce(new Error('flaky')).mockResolvedValue('ok');\nconst result = retry(fn, { baseMs: 100 });\nawait vi.advanceTimersByTimeAsync(150);\nawait expect(result).resolves.toBe('ok');\nexpect(fn).toHaveBeenCalledTimes(2);\n```\n\nStub `Math.random` to return `0.5` so the delay is exactly `baseMs * 2 ** attempt`, and assert that advancing by one millisecond less does **not** call `fn` again.",
      },
    ],
  },
  {
    key: 'lisbon-trip',
    title: 'Three days in Lisbon',
    model: 'openai/gpt-4.1-mini',
    turns: [
      {
        daysAgo: 24,
        at: [19, 30],
        question: 'Plan three days in Lisbon in early December. We like food and walking, not museums.',
        answer:
          '**Day 1: Baixa, Chiado and Alfama**\n- Morning: coffee and a pastel de nata at Manteigaria, walk down Rua Augusta to Praça do Comércio.\n- Afternoon: climb through Alfama to the Miradouro de Santa Luzia; get lost in the lanes.\n- Evening: dinner in Alfama, ideally somewhere with fado.\n\n**Day 2: Belém and LX Factory**\n- Take tram 15 to Belém; pastéis at the original bakery, walk the riverside to the tower.\n- Late lunch and browsing at LX Factory.\n- Sunset at the Miradouro de Santa Catarina.\n\n**Day 3: Príncipe Real and Time Out Market**\n- Morning market and garden in Príncipe Real.\n- Lunch at the Time Out Market, then the walk along the river to Cais do Sodré.\n\nDecember is mild (about 15 °C) but rainy: pack shoes with grip, the limestone pavements get slippery.',
      },
      {
        daysAgo: 24,
        at: [19, 37],
        question: 'Swap day 3 for a day trip?',
        answer:
          'Make it **Sintra**: 40 minutes by train from Rossio, trains every 20 minutes.\n\n- Go early and book the Pena Palace for the first slot; the bus up (434) queues badly after 10:00.\n- Walk down through the Moorish Castle to the village for lunch, and try a travesseiro at Piriquita.\n- Afternoon at Quinta da Regaleira (the initiation well), then the train back.\n\nIt is a lot of uphill walking, which sounds like your kind of day.',
      },
    ],
  },
  {
    key: 'durable-objects-vs-kv',
    title: 'Durable Objects or KV for a rate limiter?',
    model: 'openai/gpt-4.1',
    turns: [
      {
        daysAgo: 13,
        at: [16, 2],
        question: 'Durable Objects or KV for a per-user rate limiter on Workers?',
        answer:
          'A **Durable Object**, one per user.\n\nKV is eventually consistent: a write can take up to a minute to be visible in other locations, so two requests at different edges both read "9 of 10 used" and both pass. It is built for read-heavy data that changes rarely.\n\nA Durable Object gives you a single instance per key that handles requests one at a time, so the check and the increment are atomic:\n\n```ts\nasync take(): Promise<boolean> {\n  const now = Date.now();\n  this.tokens = Math.min(this.capacity, this.tokens + ((now - this.at) / 1000) * this.ratePerSecond);\n  this.at = now;\n  if (this.tokens < 1) return false;\n  this.tokens -= 1;\n  return true;\n}\n```\n\nThe cost is latency for users far from the object\'s location; for a rate limiter that is usually a few tens of milliseconds.',
      },
    ],
  },
  {
    key: 'iso-date-regex',
    title: 'A regex for ISO dates',
    model: 'openai/gpt-4o-mini',
    turns: [
      {
        daysAgo: 2,
        at: [11, 16],
        question: 'Regex that matches YYYY-MM-DD and rejects month 13 and day 32?',
        answer:
          // biome-ignore lint/suspicious/noTemplateCurlyInString: the answer quotes JavaScript code
          '```\n^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$\n```\n\nIt rejects month `13` and day `32`, but it still accepts `2026-02-31`: a regex cannot know month lengths or leap years sensibly. Validate the shape with the regex, then check the date itself:\n\n```ts\nconst valid = (s: string) => /^\\d{4}-\\d{2}-\\d{2}$/.test(s) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);\n```',
      },
    ],
  },
  {
    key: 'sourdough-starter',
    title: 'My sourdough starter smells like nail polish',
    model: 'google/gemini-2.5-flash',
    turns: [
      {
        daysAgo: 22,
        at: [8, 3],
        question: 'My sourdough starter smells like nail polish remover. Is it dead?',
        answer:
          'Not dead: **hungry**. The acetone smell comes from the yeast and bacteria running out of food and producing more acetic acid and ethyl acetate.\n\n1. Discard all but about 20 g.\n2. Feed it 1:5:5 (20 g starter, 100 g flour, 100 g water) for a couple of feedings.\n3. Keep it warm, around 24–26 °C.\n\nIt should smell yoghurty and double within 4–8 hours after a day or two. Only pink or orange streaks mean throw it away.',
      },
      {
        daysAgo: 20,
        at: [7, 49],
        question: 'It doubles now but the bread is still dense.',
        answer:
          'Then the starter is fine and the **bulk fermentation** is probably too short. Dense, tight crumb with a few big holes is the classic sign of underproofing.\n\n- Judge bulk by the dough, not the clock: stop when it has risen 50–75%, is domed, jiggly and shows bubbles on the sides.\n- At 22 °C that often takes 6–8 hours, longer than most recipes say.\n- The poke test before baking: a fingertip dent should spring back slowly and not completely.',
      },
    ],
  },
  {
    key: 'offer-comparison',
    title: 'Compare two job offers',
    model: 'google/gemini-2.5-pro',
    turns: [
      {
        daysAgo: 9,
        at: [20, 11],
        question:
          'Offer A: 95k, fully remote, 25 days leave. Offer B: 108k, office 3 days a week, 45 minutes each way, 30 days leave. How should I think about this?',
        answer:
          "Put both on the same footing: **money per hour of your life**.\n\n| | A | B |\n|---|---|---|\n| Salary | 95k | 108k |\n| Commute | 0 h | ~200 h a year (3 × 1.5 h × 45 weeks) |\n| Commute costs | 0 | often 2–4k a year |\n| Leave | 25 days | 30 days |\n\nB pays about 13k more before commuting costs and tax; after both it is closer to 6–8k. That buys you 200 hours a year of travel, partly offset by five extra days off.\n\nThe questions that usually decide it are not in the table: which team will you learn more from, and do you work better alone or around people? If B's answer to either is clearly better, the money is a bonus; if not, A is the better deal.",
      },
    ],
  },
  {
    key: 'message-to-spanish',
    title: 'Translate a message to Spanish',
    model: 'google/gemini-2.5-flash-lite',
    turns: [
      {
        daysAgo: 0,
        at: [9, 25],
        question:
          'Translate, friendly but not too casual: "Thanks for hosting us last weekend. The kids haven\'t stopped talking about the boat trip. Let us know when you are in town so we can return the favour."',
        answer:
          '"Gracias por recibirnos el fin de semana pasado. Los niños no paran de hablar del paseo en barco. Avisadnos cuando vengáis por aquí para que podamos devolveros el favor."\n\nThat uses *vosotros*, as in Spain. For Latin America, write "Avísennos cuando vengan por aquí para que podamos devolverles el favor."',
      },
    ],
  },
];

/** The API keys and the widget site the seed creates through the Worker (looked up by name first). */
export const SEED_API_KEYS = ['Demo: CI pipeline', 'Demo: mobile app'];
export const SEED_SITE = {
  name: 'Demo: docs site',
  allowedOrigins: ['http://localhost:5173', 'https://docs.example.com'],
  model: 'anthropic/claude-haiku-4-5',
  systemPrompt: 'You answer questions about the Example product documentation. Be brief and link to the docs.',
  greeting: 'Hi! Ask me anything about the Example docs.',
  theme: { color: '#0f766e', position: 'bottom-right' },
};
