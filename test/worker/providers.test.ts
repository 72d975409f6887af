// Every adapter, through its real vendor SDK inside workerd, against the wire-faithful fake
// upstreams. Directives in the last user message (`[[fake …]]`) steer the fake per request.
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { adapters, type ChatMessage, type ProviderAdapter, type ProviderEvent } from '../../worker/providers/index.ts';
import { expectedReplyText } from '../../scripts/fake-upstreams/reply.ts';
import type { LoggedRequest } from '../../scripts/fake-upstreams/request-log.ts';
import type { VendorName } from '../../scripts/fake-upstreams/types.ts';

const upstream = inject('fakeUpstreamUrl');
const API_KEY = 'sk-test-0123456789abcdef';

// OpenAI's protocol carries the system prompt as the first message; the others as a separate field.
type Case = {
  adapter: ProviderAdapter;
  vendor: VendorName;
  path: string;
  model: string;
  overloadStatus: number;
  systemIsMessage: boolean;
};

const cases: Case[] = [
  {
    adapter: adapters.anthropic,
    vendor: 'anthropic',
    path: '/anthropic',
    model: 'claude-sonnet-5-5',
    overloadStatus: 529,
    systemIsMessage: false,
  },
  {
    adapter: adapters.openai,
    vendor: 'openai',
    path: '/openai/v1',
    model: 'gpt-5-mini',
    overloadStatus: 503,
    systemIsMessage: true,
  },
  {
    adapter: adapters['openai-compat'],
    vendor: 'compat',
    path: '/compat/v1',
    model: 'llama-3.3-70b-instruct',
    overloadStatus: 503,
    systemIsMessage: true,
  },
  {
    adapter: adapters.google,
    vendor: 'gemini',
    path: '/gemini',
    model: 'gemini-2.5-flash',
    overloadStatus: 503,
    systemIsMessage: false,
  },
];

afterEach(() => vi.restoreAllMocks());

async function logged(key: string): Promise<LoggedRequest[]> {
  const res = await fetch(`${upstream}/__control/requests?key=${encodeURIComponent(key)}`);
  return res.json<LoggedRequest[]>();
}

/** Polls the fake's log until the request with `key` reaches a final status. */
async function settled(key: string): Promise<LoggedRequest> {
  for (let i = 0; i < 100; i++) {
    const [entry] = await logged(key);
    if (entry && entry.status !== 'in_progress') return entry;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`request ${key} never settled at the fake upstream`);
}

/** Every usage event's counts are whole numbers >= 0: never NaN, never undefined. */
function expectWholeCounts(events: ProviderEvent[]) {
  for (const event of events) {
    if (event.type !== 'usage') continue;
    for (const count of [event.inputTokens, event.outputTokens, event.cachedTokens]) {
      expect(Number.isSafeInteger(count) && count >= 0, `usage ${JSON.stringify(event)}`).toBe(true);
    }
  }
}

const textOf = (events: ProviderEvent[]) => events.flatMap((e) => (e.type === 'text' ? [e.text] : [])).join('');
const usageOf = (events: ProviderEvent[]) => events.filter((e) => e.type === 'usage');

describe.each(cases)('$adapter.id adapter', ({ adapter, vendor, path, model, overloadStatus, systemIsMessage }) => {
  const config = { apiKey: API_KEY, baseURL: `${upstream}${path}` };

  /** One reply with `directives` in the last user message; returns its events and the log key. */
  async function run(
    directives: string,
    options: { maxOutputTokens?: number; signal?: AbortSignal; history?: ChatMessage[]; whole?: boolean } = {},
  ) {
    const key = `${adapter.id}-${crypto.randomUUID()}`;
    const messages: ChatMessage[] = [
      ...(options.history ?? []),
      { role: 'user', content: `Hello there [[fake ttft=0 tps=0 key=${key} ${directives}]]` },
    ];
    const events: ProviderEvent[] = [];
    const stream = adapter.stream(
      {
        model,
        system: 'You are terse.',
        messages,
        maxOutputTokens: options.maxOutputTokens ?? 256,
        ...(options.whole ? { whole: true } : {}),
        signal: options.signal ?? new AbortController().signal,
      },
      config,
    );
    for await (const event of stream) events.push(event);
    return { events, key };
  }

  const lastUsage = (events: ProviderEvent[]) => events.findLast((e) => e.type === 'usage');

  it('streams the reply as text deltas, then usage as the vendor reported it, then done end_turn', async () => {
    const history: ChatMessage[] = [
      { role: 'user', content: 'Earlier question' },
      { role: 'assistant', content: 'Earlier answer' },
    ];
    const { events, key } = await run('tokens=12', { history });
    expect(textOf(events)).toBe(expectedReplyText(vendor, 12));
    expect(events.filter((e) => e.type === 'text')).toHaveLength(12);

    const [entry] = await logged(key);
    expect(entry).toMatchObject({
      status: 'completed',
      system: true,
      messages: systemIsMessage ? 4 : 3,
      tokensSent: 12,
    });
    expect(lastUsage(events)).toEqual({
      type: 'usage',
      inputTokens: entry!.inputTokens,
      outputTokens: 12,
      cachedTokens: 0,
    });
    expectWholeCounts(events);
    expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'end_turn' });
    expect(events.filter((e) => e.type === 'done' || e.type === 'error')).toHaveLength(1);
  });

  it('stops with max_tokens when maxOutputTokens is shorter than the reply', async () => {
    const { events } = await run('tokens=12', { maxOutputTokens: 5 });
    expect(textOf(events)).toBe(expectedReplyText(vendor, 12, 5));
    expect(lastUsage(events)).toMatchObject({ outputTokens: 5 });
    expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'max_tokens' });
  });

  it('maps 429 to one retryable rate_limited error with the vendor retry delay', async () => {
    const { events, key } = await run('fail=429 retryafter=2');
    expect(events).toEqual([
      {
        type: 'error',
        code: 'rate_limited',
        retryable: true,
        retryAfterMs: 2000,
        status: 429,
        message: expect.stringMatching(/rate|exhausted/i),
      },
    ]);
    // Parley decides about retries; the SDK must not have retried on its own.
    expect(await logged(key)).toHaveLength(1);
  });

  it('maps 500 to a retryable upstream error', async () => {
    const { events, key } = await run('fail=500');
    expect(events).toEqual([
      { type: 'error', code: 'upstream', retryable: true, status: 500, message: expect.any(String) },
    ]);
    expect(await logged(key)).toHaveLength(1);
  });

  it(`maps ${overloadStatus} to a retryable overloaded error`, async () => {
    const { events } = await run(`fail=${overloadStatus}`);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'error', code: 'overloaded', retryable: true, status: overloadStatus });
  });

  it('maps 401 to auth, not retryable, and never shows the key', async () => {
    const { events } = await run('fail=401');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'error', code: 'auth', retryable: false, status: 401 });
    expect(JSON.stringify(events)).not.toContain(API_KEY);
  });

  it('maps 400 to bad_request, not retryable', async () => {
    const { events } = await run('fail=400');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'error', code: 'bad_request', retryable: false, status: 400 });
  });

  it('reports an error sent inside the stream after the text so far', async () => {
    const { events } = await run('tokens=10 fail=500 failafter=2');
    expect(textOf(events)).toBe(expectedReplyText(vendor, 10, 2));
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'upstream', retryable: true });
    expect(events.filter((e) => e.type === 'done' || e.type === 'error')).toHaveLength(1);
  });

  it('turns a connection dropped mid-reply into the text so far and one upstream error', async () => {
    const { events } = await run('tokens=10 drop=3');
    expect(textOf(events)).toBe(expectedReplyText(vendor, 10, 3));
    const ends = events.filter((e) => e.type === 'done' || e.type === 'error');
    expect(ends).toEqual([expect.objectContaining({ type: 'error', code: 'upstream', retryable: true })]);
    expect(events.at(-1)).toBe(ends[0]);
  });

  it('treats a stream that closes cleanly without a stop reason as an upstream error', async () => {
    const { events } = await run('tokens=4 drop=4');
    expect(textOf(events)).toBe(expectedReplyText(vendor, 4));
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'upstream', retryable: true });
  });

  it('ends quietly when aborted mid-reply, and the vendor request is closed', async () => {
    const controller = new AbortController();
    const key = `${adapter.id}-abort-${crypto.randomUUID()}`;
    const events: ProviderEvent[] = [];
    const stream = adapter.stream(
      {
        model,
        messages: [{ role: 'user', content: `Go [[fake ttft=0 tps=20 tokens=200 key=${key}]]` }],
        maxOutputTokens: 1000,
        signal: controller.signal,
      },
      config,
    );
    for await (const event of stream) {
      events.push(event);
      if (events.filter((e) => e.type === 'text').length === 2) controller.abort();
    }
    expect(events.filter((e) => e.type === 'text')).toHaveLength(2);
    expect(events.some((e) => e.type === 'done' || e.type === 'error')).toBe(false);
    const entry = await settled(key);
    expect(entry.status).toBe('client_closed');
    expect(entry.tokensSent).toBeLessThan(200);
  });

  it('asks the vendor for the reply unstreamed when it is wanted whole: its text at once, usage, done end_turn', async () => {
    const { events, key } = await run('tokens=12', { whole: true });
    expect(events.filter((e) => e.type === 'text')).toEqual([{ type: 'text', text: expectedReplyText(vendor, 12) }]);
    const [entry] = await logged(key);
    expect(entry).toMatchObject({ status: 'completed', stream: false, system: true, tokensSent: 12 });
    expect(lastUsage(events)).toEqual({
      type: 'usage',
      inputTokens: entry!.inputTokens,
      outputTokens: 12,
      cachedTokens: 0,
    });
    expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'end_turn' });
    expect(events.filter((e) => e.type === 'done' || e.type === 'error')).toHaveLength(1);
  });

  it('reads a whole reply cut by maxOutputTokens as stopped at max_tokens', async () => {
    const { events, key } = await run('tokens=12', { whole: true, maxOutputTokens: 5 });
    expect(textOf(events)).toBe(expectedReplyText(vendor, 12, 5));
    expect(lastUsage(events)).toMatchObject({ outputTokens: 5 });
    expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'max_tokens' });
    expect((await logged(key))[0]).toMatchObject({ stream: false });
  });

  it('maps a failed whole reply as it maps a failed stream (429 with the vendor retry delay)', async () => {
    const { events, key } = await run('fail=429 retryafter=2', { whole: true });
    expect(events).toEqual([
      expect.objectContaining({
        type: 'error',
        code: 'rate_limited',
        retryable: true,
        retryAfterMs: 2000,
        status: 429,
      }),
    ]);
    expect(await logged(key)).toEqual([expect.objectContaining({ stream: false })]);
  });

  it('turns a whole reply whose connection drops mid-body into one upstream error and no text', async () => {
    const { events } = await run('tokens=10 drop=3', { whole: true });
    expect(events).toEqual([expect.objectContaining({ type: 'error', code: 'upstream', retryable: true })]);
  });

  it('ends quietly when aborted while the vendor writes a whole reply, and the vendor request is closed', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const { events, key } = await run('hang=1', { whole: true, signal: controller.signal });
    expect(events).toEqual([]);
    expect((await settled(key)).status).toBe('client_closed');
  });

  it('ends quietly when aborted before the first token', async () => {
    const controller = new AbortController();
    const key = `${adapter.id}-hang-${crypto.randomUUID()}`;
    const stream = adapter.stream(
      {
        model,
        messages: [{ role: 'user', content: `Wait [[fake hang=1 key=${key}]]` }],
        maxOutputTokens: 100,
        signal: controller.signal,
      },
      config,
    );
    setTimeout(() => controller.abort(), 100);
    const events: ProviderEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(events.filter((e) => e.type !== 'usage')).toEqual([]);
    expect((await settled(key)).status).toBe('client_closed');
  });
});

describe('anthropic adapter authentication', () => {
  it('sends the key as x-api-key, as the public API requires, and not as a bearer token', async () => {
    const spy = vi.spyOn(globalThis, 'fetch');
    const events: ProviderEvent[] = [];
    const stream = adapters.anthropic.stream(
      {
        model: 'claude-sonnet-5-5',
        messages: [{ role: 'user', content: 'Hi [[fake ttft=0 tokens=2 tps=0]]' }],
        maxOutputTokens: 10,
        signal: new AbortController().signal,
      },
      { apiKey: API_KEY, baseURL: `${upstream}/anthropic` },
    );
    for await (const event of stream) events.push(event);
    expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'end_turn' });
    const [input, init] = spy.mock.calls[0]!;
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    expect(headers.get('x-api-key')).toBe(API_KEY);
    expect(headers.get('authorization')).toBeNull();
  });
});

/** One reply's events when `reply` answers the SDK's fetch: for what the fake cannot produce. */
async function answeredBy(adapter: ProviderAdapter, reply: () => Promise<Response>) {
  vi.spyOn(globalThis, 'fetch').mockImplementation(reply);
  const events: ProviderEvent[] = [];
  const request = {
    model: 'm',
    messages: [{ role: 'user' as const, content: 'Hi' }],
    maxOutputTokens: 10,
    signal: new AbortController().signal,
  };
  for await (const event of adapter.stream(request, { apiKey: API_KEY, baseURL: 'https://vendor.example/v1' }))
    events.push(event);
  return events;
}

// Responses the fake cannot produce, replayed through the real SDKs by answering their fetch.
describe('vendor error bodies', () => {
  const json =
    (status: number, body: unknown, headers: Record<string, string> = {}) =>
    () =>
      Promise.resolve(
        new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } }),
      );

  async function errorFrom(adapter: ProviderAdapter, reply: () => Promise<Response>) {
    const events = await answeredBy(adapter, reply);
    expect(events).toHaveLength(1);
    return events[0];
  }

  it.each([
    [
      adapters.anthropic,
      json(400, {
        type: 'error',
        error: { type: 'invalid_request_error', message: 'prompt is too long: 210000 tokens > 200000 maximum' },
      }),
    ],
    [
      adapters.openai,
      json(400, {
        error: {
          message: "This model's maximum context length is 128000 tokens.",
          type: 'invalid_request_error',
          param: 'messages',
          code: 'context_length_exceeded',
        },
      }),
    ],
    [
      adapters.google,
      json(400, {
        error: {
          code: 400,
          message: 'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).',
          status: 'INVALID_ARGUMENT',
        },
      }),
    ],
  ])('reports a prompt over the context window as context_length (%#)', async (adapter, reply) => {
    expect(await errorFrom(adapter, reply)).toMatchObject({
      type: 'error',
      code: 'context_length',
      retryable: false,
      status: 400,
    });
  });

  it('reads retry-after-ms before retry-after', async () => {
    const reply = json(
      429,
      { error: { message: 'slow down', type: 'requests', code: 'rate_limit_exceeded' } },
      { 'retry-after-ms': '1500', 'retry-after': '9' },
    );
    expect(await errorFrom(adapters.openai, reply)).toMatchObject({ code: 'rate_limited', retryAfterMs: 1500 });
  });

  it('reads retry-after given as an HTTP date', async () => {
    const when = new Date(Date.now() + 30_000).toUTCString();
    const reply = json(
      529,
      { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
      { 'retry-after': when },
    );
    const error = await errorFrom(adapters.anthropic, reply);
    expect(error).toMatchObject({ code: 'overloaded', retryable: true, status: 529 });
    expect(error).toHaveProperty(
      'retryAfterMs',
      expect.toSatisfy((ms: number) => ms > 25_000 && ms <= 30_000),
    );
  });
});

// The vendors' own documented example streams (scripts/fake-upstreams/documented/), sent byte for
// byte by the fake for `documented=1`, read through the real SDKs.
describe('documented vendor streams', () => {
  async function replay(adapter: ProviderAdapter, path: string, model: string) {
    const events: ProviderEvent[] = [];
    const request = {
      model,
      messages: [{ role: 'user' as const, content: 'Hello [[fake documented=1]]' }],
      maxOutputTokens: 256,
      signal: new AbortController().signal,
    };
    for await (const event of adapter.stream(request, { apiKey: API_KEY, baseURL: `${upstream}${path}` }))
      events.push(event);
    return events;
  }

  it('Anthropic: "Hello!", 25 input tokens from message_start, 15 output tokens from message_delta, end_turn', async () => {
    const events = await replay(adapters.anthropic, '/anthropic', 'claude-sonnet-4-5');
    expect(textOf(events)).toBe('Hello!');
    expect(usageOf(events)).toEqual([
      { type: 'usage', inputTokens: 25, outputTokens: 1, cachedTokens: 0 },
      { type: 'usage', inputTokens: 25, outputTokens: 15, cachedTokens: 0 },
    ]);
    expectWholeCounts(events);
    expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'end_turn' });
  });

  it.each([
    ['OpenAI', adapters.openai, '/openai/v1'],
    ['OpenAI-compatible', adapters['openai-compat'], '/compat/v1'],
  ] as const)(
    '%s: "Hello" and end_turn, with no usage event since the documented chunks report none',
    async (_name, adapter, path) => {
      const events = await replay(adapter, path, 'gpt-4o-mini');
      expect(textOf(events)).toBe('Hello');
      expect(usageOf(events)).toEqual([]);
      expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'end_turn' });
    },
  );

  it('Gemini: the recorded texts joined, end_turn, with no usage event since the recording reports none', async () => {
    // The documented text, read from the replayed bytes without any SDK.
    const res = await fetch(`${upstream}/gemini/v1beta/models/gemini-pro:streamGenerateContent?alt=sse`, {
      method: 'POST',
      headers: { 'x-goog-api-key': API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: '[[fake documented=1]]' }] }] }),
    });
    const chunks = (await res.text()).split('\n').filter((line) => line.startsWith('data: '));
    const documented = chunks.map(
      (line) => JSON.parse(line.slice('data: '.length)) as { candidates: { content: { parts: { text: string }[] } }[] },
    );
    const documentedText = documented
      .map((chunk) => chunk.candidates[0]!.content.parts.map((part) => part.text).join(''))
      .join('');
    expect(documented).toHaveLength(6);
    expect(documentedText).toMatch(/^In the quaint, sunlit cottage .* stronger than ever\.$/s);

    const events = await replay(adapters.google, '/gemini', 'gemini-pro');
    expect(textOf(events)).toBe(documentedText);
    expect(usageOf(events)).toEqual([]);
    expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'end_turn' });
  });
});

// The vendors' documented replies to a request not streamed (scripts/fake-upstreams/documented/*.json),
// read through each adapter asked for the reply whole; with a tool offered, the documented call.
describe('documented vendor replies, not streamed', () => {
  const offered = { definitions: [{ name: 'get_weather', parameters: { type: 'object' } }] };
  async function replayWhole(adapter: ProviderAdapter, path: string, model: string, tools = false) {
    const events: ProviderEvent[] = [];
    const request = {
      model,
      messages: [{ role: 'user' as const, content: 'Hello [[fake documented=1]]' }],
      maxOutputTokens: 256,
      whole: true,
      ...(tools ? { tools: offered } : {}),
      signal: new AbortController().signal,
    };
    for await (const event of adapter.stream(request, { apiKey: API_KEY, baseURL: `${upstream}${path}` }))
      events.push(event);
    return events;
  }

  it('Anthropic: "Hello!", 12 input and 6 output tokens, end_turn', async () => {
    const events = await replayWhole(adapters.anthropic, '/anthropic', 'claude-sonnet-5-5');
    expect(events).toEqual([
      { type: 'text', text: 'Hello!' },
      { type: 'usage', inputTokens: 12, outputTokens: 6, cachedTokens: 0 },
      { type: 'done', stopReason: 'end_turn' },
    ]);
  });

  it('Anthropic: the text, then the tool_use block as one whole call, tool_use, and no usage since the example has none', async () => {
    const events = await replayWhole(adapters.anthropic, '/anthropic', 'claude-sonnet-5-5', true);
    expect(events).toEqual([
      { type: 'text', text: "I'll check the current weather in San Francisco for you." },
      {
        type: 'tool_call',
        index: 0,
        id: 'toolu_01A09q90qw90lq917835lq9',
        name: 'get_weather',
        arguments: '{"location":"San Francisco, CA","unit":"celsius"}',
      },
      { type: 'done', stopReason: 'tool_use' },
    ]);
  });

  it.each([
    ['OpenAI', adapters.openai, '/openai/v1'],
    ['OpenAI-compatible', adapters['openai-compat'], '/compat/v1'],
  ] as const)(
    '%s: the message content, 1117 and 46 tokens, end_turn; the documented call as written',
    async (_name, adapter, path) => {
      const raw = await fetch(`${upstream}${path}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: '[[fake documented=1]]' }] }),
      });
      const documented = await raw.json<{ choices: { message: { content: string } }[] }>();
      expect(await replayWhole(adapter, path, 'gpt-4o-mini')).toEqual([
        { type: 'text', text: documented.choices[0]!.message.content },
        { type: 'usage', inputTokens: 1117, outputTokens: 46, cachedTokens: 0 },
        { type: 'done', stopReason: 'end_turn' },
      ]);

      const withTools = await replayWhole(adapter, path, 'gpt-4o-mini', true);
      expect(withTools).toEqual([
        {
          type: 'tool_call',
          index: 0,
          id: 'call_abc123',
          name: 'get_current_weather',
          arguments: '{\n"location": "Boston, MA"\n}',
        },
        { type: 'usage', inputTokens: 82, outputTokens: 17, cachedTokens: 0 },
        { type: 'done', stopReason: 'tool_use' },
      ]);
    },
  );

  it('Gemini: the recorded text, 9 and 87 tokens, end_turn; the recorded call with an id of its own, tool_use', async () => {
    const raw = await fetch(`${upstream}/gemini/v1beta/models/gemini-pro:generateContent`, {
      method: 'POST',
      headers: { 'x-goog-api-key': API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: '[[fake documented=1]]' }] }] }),
    });
    const documented = await raw.json<{ candidates: { content: { parts: { text: string }[] } }[] }>();
    const text = documented.candidates[0]!.content.parts.map((part) => part.text).join('');
    expect(text).toMatch(/^```python\n# Example list to be sorted/);
    const events = await replayWhole(adapters.google, '/gemini', 'gemini-pro');
    expect(events.filter((e) => e.type !== 'usage')).toEqual([
      { type: 'text', text },
      { type: 'done', stopReason: 'end_turn' },
    ]);
    expect(usageOf(events).at(-1)).toEqual({ type: 'usage', inputTokens: 9, outputTokens: 87, cachedTokens: 0 });

    const withTools = await replayWhole(adapters.google, '/gemini', 'gemini-pro', true);
    expect(withTools).toEqual([
      {
        type: 'tool_call',
        index: 0,
        id: expect.stringMatching(/^call_[0-9a-f]{32}$/),
        name: 'find_theaters',
        arguments: '{"movie":"Barbie","location":"Mountain View, CA"}',
      },
      { type: 'done', stopReason: 'tool_use' },
    ]);
  });
});

// Streams shaped as vendors send them but the fake does not, answered straight to the SDK's fetch.
describe('usage fields vendors leave out', () => {
  const sse = (body: string) => () =>
    Promise.resolve(new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } }));
  const named = (data: { type: string; [field: string]: unknown }) =>
    `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;
  const unnamed = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;
  const message = {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    content: [],
    model: 'm',
    stop_reason: null,
    stop_sequence: null,
  };

  /** Anthropic's events around one text delta, with the message_start and message_delta usage given. */
  function anthropicStream(startUsage: object | undefined, deltaUsage: object | undefined) {
    return sse(
      named({ type: 'message_start', message: { ...message, ...(startUsage ? { usage: startUsage } : {}) } }) +
        named({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }) +
        named({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } }) +
        named({ type: 'content_block_stop', index: 0 }) +
        named({
          type: 'message_delta',
          delta: { stop_reason: 'end_turn', stop_sequence: null },
          ...(deltaUsage ? { usage: deltaUsage } : {}),
        }) +
        named({ type: 'message_stop' }),
    );
  }

  it('Anthropic message_delta with only output_tokens keeps the input count from message_start (issue 6)', async () => {
    const events = await answeredBy(
      adapters.anthropic,
      anthropicStream({ input_tokens: 30, cache_read_input_tokens: 10, output_tokens: 1 }, { output_tokens: 7 }),
    );
    expect(usageOf(events)).toEqual([
      { type: 'usage', inputTokens: 40, outputTokens: 1, cachedTokens: 10 },
      { type: 'usage', inputTokens: 40, outputTokens: 7, cachedTokens: 10 },
    ]);
    expectWholeCounts(events);
    expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'end_turn' });
  });

  it('finishes an Anthropic stream whose events carry no usage at all, as the documented thinking example does', async () => {
    const events = await answeredBy(adapters.anthropic, anthropicStream(undefined, undefined));
    expect(events).toEqual([
      { type: 'text', text: 'Hi' },
      { type: 'done', stopReason: 'end_turn' },
    ]);
  });

  it('reads an OpenAI-compatible usage chunk without choices or prompt_tokens as the counts it has', async () => {
    const chunk = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm' };
    const events = await answeredBy(
      adapters['openai-compat'],
      sse(
        unnamed({
          ...chunk,
          choices: [{ index: 0, delta: { role: 'assistant', content: 'Hi' }, finish_reason: null }],
        }) +
          unnamed({ ...chunk, choices: [{ index: 0, finish_reason: 'stop' }] }) +
          unnamed({ ...chunk, usage: { completion_tokens: 2, prompt_tokens: null } }) +
          'data: [DONE]\n\n',
      ),
    );
    expect(textOf(events)).toBe('Hi');
    expect(usageOf(events)).toEqual([{ type: 'usage', inputTokens: 0, outputTokens: 2, cachedTokens: 0 }]);
    expectWholeCounts(events);
    expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'end_turn' });
  });

  it('keeps the Gemini prompt count from an earlier chunk when the last chunk leaves it out', async () => {
    const content = (text: string) => ({ parts: [{ text }], role: 'model' });
    const events = await answeredBy(
      adapters.google,
      sse(
        unnamed({ candidates: [{ content: content('Hi'), index: 0 }], usageMetadata: { promptTokenCount: 9 } }) +
          unnamed({ candidates: [{ content: content(' there'), index: 0 }], usageMetadata: {} }) +
          unnamed({
            candidates: [{ content: content(''), finishReason: 'STOP', index: 0 }],
            usageMetadata: { candidatesTokenCount: 4, totalTokenCount: 13 },
          }),
      ),
    );
    expect(textOf(events)).toBe('Hi there');
    expect(usageOf(events)).toEqual([
      { type: 'usage', inputTokens: 9, outputTokens: 0, cachedTokens: 0 },
      { type: 'usage', inputTokens: 9, outputTokens: 4, cachedTokens: 0 },
    ]);
    expectWholeCounts(events);
    expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'end_turn' });
  });
});
