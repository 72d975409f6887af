// Function calling and structured outputs through the OpenAI adapter: the real `openai` SDK inside
// workerd against the fake's Chat Completions (OpenAI's own route and the compatible one), which
// checks tool turns and choices as the API does and logs what it was offered.
import { describe, expect, inject, it } from 'vitest';
import {
  adapters,
  type ChatMessage,
  type ChatRequest,
  type ProviderAdapter,
  type ProviderEvent,
  type ToolCall,
  type ToolDefinition,
} from '../../worker/providers/index.ts';
import { expectedReplyText } from '../../scripts/fake-upstreams/reply.ts';
import type { LoggedRequest } from '../../scripts/fake-upstreams/request-log.ts';

const upstream = inject('fakeUpstreamUrl');
const API_KEY = 'sk-test-0123456789abcdef';

const weather: ToolDefinition = {
  name: 'get_weather',
  description: 'Current weather at a place.',
  parameters: {
    type: 'object',
    properties: {
      location: { type: 'string' },
      unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
      days: { type: 'integer' },
      detailed: { type: 'boolean' },
    },
    required: ['location', 'unit', 'days'],
  },
};
const clock: ToolDefinition = {
  name: 'get_time',
  parameters: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] },
};
/** What the fake's model writes for each: the required fields, filled in from their schemas. */
const WEATHER_ARGUMENTS = '{"location":"fake-location","unit":"celsius","days":1}';
const CLOCK_ARGUMENTS = '{"zone":"fake-zone"}';
const CALL_ID = /^call_[A-Za-z0-9]{24}$/;

const textOf = (events: ProviderEvent[]) => events.flatMap((e) => (e.type === 'text' ? [e.text] : [])).join('');
const toolEvents = (events: ProviderEvent[]) => events.filter((e) => e.type === 'tool_call');

/** The calls as Parley's runReply puts them together: by index, id and name from the first part. */
function callsOf(events: ProviderEvent[]): ToolCall[] {
  const calls = new Map<number, ToolCall>();
  for (const event of events) {
    if (event.type !== 'tool_call') continue;
    const call = calls.get(event.index) ?? { id: '', name: '', arguments: '' };
    calls.set(event.index, {
      id: event.id ?? call.id,
      name: event.name ?? call.name,
      arguments: call.arguments + event.arguments,
    });
  }
  return [...calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
}

async function logged(key: string): Promise<LoggedRequest[]> {
  const res = await fetch(`${upstream}/__control/requests?key=${encodeURIComponent(key)}`);
  return res.json<LoggedRequest[]>();
}

describe.each([
  { adapter: adapters.openai, path: '/openai/v1', model: 'gpt-5-mini', vendor: 'openai' as const },
  {
    adapter: adapters['openai-compat'],
    path: '/compat/v1',
    model: 'llama-3.3-70b-instruct',
    vendor: 'compat' as const,
  },
])('$adapter.id adapter with tools', ({ adapter, path, model, vendor }) => {
  /** One streamed reply; `directives` go in the last user message, which also tags the log entry. */
  async function run(
    directives: string,
    request: Partial<Pick<ChatRequest, 'tools' | 'responseFormat' | 'whole'>> & {
      history?: ChatMessage[];
      after?: ChatMessage[];
    },
  ) {
    const key = `${adapter.id}-tools-${crypto.randomUUID()}`;
    const messages: ChatMessage[] = [
      ...(request.history ?? []),
      { role: 'user', content: `What is the weather? [[fake ttft=0 tps=0 key=${key} ${directives}]]` },
      ...(request.after ?? []),
    ];
    const events: ProviderEvent[] = [];
    const stream = (adapter as ProviderAdapter).stream(
      {
        model,
        system: 'You are terse.',
        messages,
        maxOutputTokens: 256,
        ...(request.tools ? { tools: request.tools } : {}),
        ...(request.responseFormat ? { responseFormat: request.responseFormat } : {}),
        ...(request.whole ? { whole: true } : {}),
        signal: new AbortController().signal,
      },
      { apiKey: API_KEY, baseURL: `${upstream}${path}` },
    );
    for await (const event of stream) events.push(event);
    return { events, key };
  }

  it('streams a function call in fragments: id and name first, arguments reassembled, then tool_use', async () => {
    const { events, key } = await run('', { tools: { definitions: [weather] } });
    const parts = toolEvents(events);
    expect(parts.length).toBeGreaterThan(3);
    expect(parts[0]).toEqual({
      type: 'tool_call',
      index: 0,
      id: expect.stringMatching(CALL_ID),
      name: 'get_weather',
      arguments: '',
    });
    // Later fragments carry only arguments: no id or name repeated, not even as undefined.
    for (const part of parts.slice(1)) expect(Object.keys(part).sort()).toEqual(['arguments', 'index', 'type']);
    expect(callsOf(events)).toEqual([{ id: parts[0]!.id, name: 'get_weather', arguments: WEATHER_ARGUMENTS }]);
    expect(textOf(events)).toBe('');
    expect(events.findLast((e) => e.type === 'usage')).toMatchObject({ outputTokens: parts.length });
    expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'tool_use' });

    const [entry] = await logged(key);
    expect(entry).toMatchObject({ status: 'completed', offered: { names: ['get_weather'] } });
    expect(entry!.offered).not.toHaveProperty('choice');
    expect(entry!.offered).not.toHaveProperty('parallel');
  });

  it('makes two parallel calls at index 0 and 1, each with its own id', async () => {
    const { events } = await run('tools=2', { tools: { definitions: [weather, clock] } });
    const calls = callsOf(events);
    expect(calls).toEqual([
      { id: expect.stringMatching(CALL_ID), name: 'get_weather', arguments: WEATHER_ARGUMENTS },
      { id: expect.stringMatching(CALL_ID), name: 'get_time', arguments: CLOCK_ARGUMENTS },
    ]);
    expect(calls[0]!.id).not.toBe(calls[1]!.id);
    expect(new Set(toolEvents(events).map((e) => e.index))).toEqual(new Set([0, 1]));
    expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'tool_use' });
  });

  it('reads two calls of a reply asked for whole, each in one event with its id, name and arguments', async () => {
    const { events, key } = await run('tools=2', { tools: { definitions: [weather, clock] }, whole: true });
    expect(events.filter((e) => e.type === 'tool_call')).toEqual([
      {
        type: 'tool_call',
        index: 0,
        id: expect.stringMatching(CALL_ID),
        name: 'get_weather',
        arguments: WEATHER_ARGUMENTS,
      },
      { type: 'tool_call', index: 1, id: expect.stringMatching(CALL_ID), name: 'get_time', arguments: CLOCK_ARGUMENTS },
    ]);
    expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'tool_use' });
    expect((await logged(key))[0]).toMatchObject({ stream: false });
  });

  it('sends parallel: false as parallel_tool_calls false, and gets one call', async () => {
    const { events, key } = await run('tools=2', { tools: { definitions: [weather, clock], parallel: false } });
    expect(callsOf(events)).toEqual([
      { id: expect.stringMatching(CALL_ID), name: 'get_weather', arguments: WEATHER_ARGUMENTS },
    ]);
    const [entry] = await logged(key);
    expect(entry!.offered).toEqual({ names: ['get_weather', 'get_time'], parallel: false });
  });

  it.each([
    ['a named function', { name: 'get_time' }, { type: 'function', function: { name: 'get_time' } }],
    ['required', 'required', 'required'],
    ['auto', 'auto', 'auto'],
  ] as const)('sends the choice of %s as tool_choice, and the call follows it', async (_name, choice, sent) => {
    const { events, key } = await run('', { tools: { definitions: [weather, clock], choice, parallel: true } });
    const expected = typeof choice === 'object' ? 'get_time' : 'get_weather';
    expect(callsOf(events).map((call) => call.name)).toEqual([expected]);
    const [entry] = await logged(key);
    expect(entry!.offered).toEqual({ names: ['get_weather', 'get_time'], choice: sent, parallel: true });
  });

  it('sends choice none as tool_choice none, and gets text without calls', async () => {
    const { events, key } = await run('tokens=3', { tools: { definitions: [weather], choice: 'none' } });
    expect(toolEvents(events)).toEqual([]);
    expect(textOf(events)).toBe(expectedReplyText(vendor, 3));
    expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'end_turn' });
    expect((await logged(key))[0]!.offered).toEqual({ names: ['get_weather'], choice: 'none' });
  });

  it('answers the tool results turn with "The tool said: …" and end_turn', async () => {
    const calls: ToolCall[] = [
      { id: 'call_weather', name: 'get_weather', arguments: WEATHER_ARGUMENTS },
      { id: 'call_clock', name: 'get_time', arguments: CLOCK_ARGUMENTS },
    ];
    const { events, key } = await run('', {
      tools: { definitions: [weather, clock] },
      after: [
        { role: 'assistant', content: '', toolCalls: calls },
        { role: 'tool', toolCallId: 'call_weather', content: 'Sunny, 21 degrees' },
        { role: 'tool', toolCallId: 'call_clock', content: '14:05' },
      ],
    });
    expect(toolEvents(events)).toEqual([]);
    expect(textOf(events)).toBe('The tool said: Sunny, 21 degrees | 14:05');
    expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'end_turn' });
    expect((await logged(key))[0]).toMatchObject({ status: 'completed', httpStatus: 200, messages: 5 });
  });

  it('replies with JSON made from the schema for a json_schema response format', async () => {
    const { events } = await run('', {
      responseFormat: {
        type: 'json_schema',
        name: 'forecast',
        description: 'A forecast',
        schema: {
          type: 'object',
          properties: {
            summary: { type: 'string' },
            high: { type: 'number' },
            windy: { type: 'boolean' },
            sky: { enum: ['clear', 'cloudy'] },
            hours: { type: 'array', items: { type: 'integer' } },
            place: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          },
          required: ['summary', 'high', 'windy', 'sky', 'hours', 'place'],
          additionalProperties: false,
        },
        strict: true,
      },
    });
    expect(JSON.parse(textOf(events))).toEqual({
      summary: 'fake-summary',
      high: 1,
      windy: true,
      sky: 'clear',
      hours: [],
      place: { city: 'fake-city' },
    });
    expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'end_turn' });
  });

  it('replies with a JSON object for a json_object response format', async () => {
    const history: ChatMessage[] = [
      { role: 'user', content: 'Answer in JSON from now on.' },
      { role: 'assistant', content: 'OK.' },
    ];
    const { events } = await run('', { history, responseFormat: { type: 'json_object' } });
    expect(JSON.parse(textOf(events))).toEqual({ reply: expect.stringContaining('Offline demo reply') });
    expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'end_turn' });
  });

  it('reads the documented streamed function call exactly, nulls on later fragments and all', async () => {
    const { events } = await run('documented=1', { tools: { definitions: [weather] } });
    const fragment = (text: string) => ({ type: 'tool_call', index: 0, arguments: text });
    expect(events).toEqual([
      { type: 'tool_call', index: 0, id: 'call_DdmO9pD3xa9XTPNJ32zg2hcA', name: 'get_weather', arguments: '' },
      ...['{"', 'location', '":"', 'Paris', ',', ' France', '"}'].map(fragment),
      { type: 'done', stopReason: 'tool_use' },
    ]);
    expect(callsOf(events)).toEqual([
      { id: 'call_DdmO9pD3xa9XTPNJ32zg2hcA', name: 'get_weather', arguments: '{"location":"Paris, France"}' },
    ]);
  });

  it("surfaces the vendor's 400 as bad_request when a tool result answers no call (a mapping mistake)", async () => {
    const { events } = await run('', {
      tools: { definitions: [weather] },
      after: [
        { role: 'assistant', content: '', toolCalls: [{ id: 'call_sent', name: 'get_weather', arguments: '{}' }] },
        { role: 'tool', toolCallId: 'call_other', content: 'Sunny' },
      ],
    });
    expect(events).toEqual([
      {
        type: 'error',
        code: 'bad_request',
        retryable: false,
        status: 400,
        message: expect.stringContaining(
          "'tool_call_id' of 'call_other' not found in 'tool_calls' of previous message",
        ),
      },
    ]);
  });

  it("surfaces the vendor's 400 as bad_request for a tool choice naming no offered function", async () => {
    const { events } = await run('', { tools: { definitions: [weather], choice: { name: 'get_time' } } });
    expect(events).toEqual([
      expect.objectContaining({
        type: 'error',
        code: 'bad_request',
        status: 400,
        message: expect.stringContaining("'get_time' not found in 'tools'"),
      }),
    ]);
  });
});

// The wire itself, read without the SDK: what the adapter's reading above relies on.
describe('the fake OpenAI function-calling wire', () => {
  const post = (body: object) =>
    fetch(`${upstream}/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-5-mini', ...body }),
    });
  const tools = [{ type: 'function', function: { name: weather.name, parameters: weather.parameters } }];
  const ask = [{ role: 'user', content: 'Weather? [[fake ttft=0 tps=0]]' }];

  it('streams the call as OpenAI does: role, null content and the call head first, then argument fragments', async () => {
    const res = await post({ messages: ask, tools, stream: true, stream_options: { include_usage: true } });
    const chunks = (await res.text())
      .split('\n\n')
      .filter((event) => event.startsWith('data: {'))
      .map((event) => JSON.parse(event.slice('data: '.length)));
    const deltas = chunks.filter((chunk) => chunk.choices.length > 0).map((chunk) => chunk.choices[0]);
    expect(deltas[0].delta).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          index: 0,
          id: expect.stringMatching(CALL_ID),
          type: 'function',
          function: { name: 'get_weather', arguments: '' },
        },
      ],
      refusal: null,
    });
    const fragments = deltas.slice(1, -1);
    expect(fragments.length).toBeGreaterThan(1);
    for (const { delta } of fragments)
      expect(delta).toEqual({ tool_calls: [{ index: 0, function: { arguments: expect.any(String) } }] });
    expect(fragments.map(({ delta }) => delta.tool_calls[0].function.arguments).join('')).toBe(WEATHER_ARGUMENTS);
    expect(deltas.at(-1)).toMatchObject({ delta: {}, finish_reason: 'tool_calls' });
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: fragments.length + 1 } });
  });

  it('answers a non-streamed request with the call whole: content null, tool_calls, refusal null', async () => {
    const res = await post({ messages: ask, tools });
    const body = await res.json<{ choices: { message: unknown; finish_reason: string }[] }>();
    expect(body.choices[0]).toMatchObject({
      message: {
        role: 'assistant',
        content: null,
        refusal: null,
        tool_calls: [
          {
            id: expect.stringMatching(CALL_ID),
            type: 'function',
            function: { name: 'get_weather', arguments: WEATHER_ARGUMENTS },
          },
        ],
      },
      finish_reason: 'tool_calls',
    });
  });

  it("refuses a tool turn that answers no call with OpenAI's error body", async () => {
    const res = await post({ messages: [...ask, { role: 'tool', tool_call_id: 'call_x', content: 'hi' }], tools });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: {
        message:
          "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
  });

  it('refuses an assistant turn whose calls are left unanswered', async () => {
    const calls = [{ id: 'call_open', type: 'function', function: { name: 'get_weather', arguments: '{}' } }];
    const res = await post({
      messages: [...ask, { role: 'assistant', content: null, tool_calls: calls }, ...ask],
      tools,
    });
    expect(res.status).toBe(400);
    expect((await res.json<{ error: { message: string } }>()).error.message).toMatch(
      /must be followed by tool messages responding to each 'tool_call_id'.*call_open/,
    );
  });

  it('refuses json_object when no message mentions JSON, as the API does', async () => {
    const res = await post({ messages: ask, response_format: { type: 'json_object' } });
    expect(res.status).toBe(400);
    expect((await res.json<{ error: { message: string } }>()).error.message).toContain("must contain the word 'json'");
  });
});
