// Tool use and structured outputs through the Anthropic adapter: the real @anthropic-ai/sdk inside
// workerd against the fake Anthropic upstream, which checks tool turns as the Messages API does and
// answers with tool calls, answers to tool results, or JSON for a schema (scripts/fake-upstreams/
// anthropic-tools.ts). What the SDK sent is read from its fetch, as the vendor would receive it.
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { argumentsFor } from '../../scripts/fake-upstreams/tool-reply.ts';
import {
  adapters,
  type ChatMessage,
  type ChatRequest,
  type ProviderEvent,
  type ToolDefinition,
} from '../../worker/providers/index.ts';

const upstream = inject('fakeUpstreamUrl');
const config = { apiKey: 'sk-test-0123456789abcdef', baseURL: `${upstream}/anthropic` };

const weather: ToolDefinition = {
  name: 'get_weather',
  description: 'The current weather in a given location',
  parameters: {
    type: 'object',
    properties: {
      location: { type: 'string' },
      unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
      days: { type: 'integer' },
    },
    required: ['location', 'unit'],
  },
};
const clock: ToolDefinition = {
  name: 'get_time',
  parameters: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] },
};

afterEach(() => vi.restoreAllMocks());

type Request = Omit<ChatRequest, 'model' | 'maxOutputTokens' | 'signal'>;

/** One reply's events, and the JSON body of each request the SDK sent (none when Parley refused first). */
async function run(request: Request) {
  const spy = vi.spyOn(globalThis, 'fetch');
  const events: ProviderEvent[] = [];
  const stream = adapters.anthropic.stream(
    { model: 'claude-sonnet-5-5', maxOutputTokens: 256, signal: new AbortController().signal, ...request },
    config,
  );
  for await (const event of stream) events.push(event);
  const sent = spy.mock.calls.map(([, init]) => JSON.parse(String(init?.body)) as Record<string, unknown>);
  return { events, sent };
}

const ask = (text: string): ChatMessage[] => [{ role: 'user', content: `${text} [[fake ttft=0 tps=0]]` }];
const textOf = (events: ProviderEvent[]) => events.flatMap((e) => (e.type === 'text' ? [e.text] : [])).join('');
const toolEvents = (events: ProviderEvent[]) => events.filter((e) => e.type === 'tool_call');

/** The calls as a reader puts them together: id and name from an index's first event, then its pieces in order. */
function callsOf(events: ProviderEvent[]) {
  const calls: { id?: string; name?: string; arguments: string }[] = [];
  for (const event of toolEvents(events)) {
    const call = (calls[event.index] ??= { arguments: '' });
    call.id ??= event.id;
    call.name ??= event.name;
    call.arguments += event.arguments;
  }
  return calls;
}

describe('anthropic tool calls', () => {
  it('streams a call as its id and name, then its arguments in pieces that join into the JSON the model wrote', async () => {
    const { events, sent } = await run({ messages: ask('Weather in Paris?'), tools: { definitions: [weather] } });

    const parts = toolEvents(events);
    expect(parts[0]).toEqual({
      type: 'tool_call',
      index: 0,
      id: expect.stringMatching(/^toolu_\w+$/),
      name: 'get_weather',
      arguments: '',
    });
    expect(parts.length).toBeGreaterThan(2);
    expect(parts.slice(1).every((part) => part.id === undefined && part.name === undefined)).toBe(true);
    const [call] = callsOf(events);
    expect(JSON.parse(call!.arguments)).toEqual(argumentsFor(weather.parameters));
    expect(textOf(events)).toBe('');
    expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'tool_use' });

    expect(sent[0]).toMatchObject({
      tools: [{ name: 'get_weather', description: weather.description, input_schema: weather.parameters }],
    });
    expect(sent[0]).not.toHaveProperty('tool_choice');
  });

  it('makes two parallel calls, each under its own index with its own id', async () => {
    const { events } = await run({
      messages: ask('Weather and time? [[fake tools=2]]'),
      tools: { definitions: [weather, clock] },
    });
    const calls = callsOf(events);
    expect(calls.map((call) => call.name)).toEqual(['get_weather', 'get_time']);
    expect(new Set(calls.map((call) => call.id)).size).toBe(2);
    expect(calls.map((call) => JSON.parse(call.arguments))).toEqual([
      argumentsFor(weather.parameters),
      argumentsFor(clock.parameters),
    ]);
    expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'tool_use' });
  });

  it('reads two calls of a reply asked for whole, each in one event with its id, name and whole arguments', async () => {
    const { events, sent } = await run({
      messages: ask('Weather and time? [[fake tools=2]]'),
      tools: { definitions: [weather, clock] },
      whole: true,
    });
    expect(sent[0]).toMatchObject({ stream: false });
    expect(toolEvents(events)).toEqual([
      {
        type: 'tool_call',
        index: 0,
        id: expect.stringMatching(/^toolu_\w+$/),
        name: 'get_weather',
        arguments: expect.any(String),
      },
      {
        type: 'tool_call',
        index: 1,
        id: expect.stringMatching(/^toolu_\w+$/),
        name: 'get_time',
        arguments: expect.any(String),
      },
    ]);
    expect(callsOf(events).map((call) => JSON.parse(call.arguments))).toEqual([
      argumentsFor(weather.parameters),
      argumentsFor(clock.parameters),
    ]);
    expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'tool_use' });
  });

  it('asks for one call at most when parallel is false, and gets one though two were wanted', async () => {
    const { events, sent } = await run({
      messages: ask('Weather and time? [[fake tools=2]]'),
      tools: { definitions: [weather, clock], parallel: false },
    });
    expect(sent[0]?.tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(callsOf(events).map((call) => call.name)).toEqual(['get_weather']);
  });

  it.each([
    ['auto', undefined, { type: 'auto' }, 'get_weather'],
    ['required', undefined, { type: 'any' }, 'get_weather'],
    ['required', false, { type: 'any', disable_parallel_tool_use: true }, 'get_weather'],
    [{ name: 'get_time' }, undefined, { type: 'tool', name: 'get_time' }, 'get_time'],
    ['none', false, { type: 'none' }, 'no tool'],
  ] as const)(
    'sends choice %j (parallel %s) as tool_choice %j, and the model calls %s',
    async (choice, parallel, sent, called) => {
      const result = await run({
        messages: ask('Weather?'),
        tools: { definitions: [weather, clock], choice, ...(parallel === undefined ? {} : { parallel }) },
      });
      expect(result.sent[0]?.tool_choice).toEqual(sent);
      const calls = called === 'no tool' ? [] : [called];
      expect(callsOf(result.events).map((call) => call.name)).toEqual(calls);
      expect(result.events.at(-1)).toEqual({ type: 'done', stopReason: calls.length ? 'tool_use' : 'end_turn' });
      if (calls.length === 0) expect(textOf(result.events)).not.toBe('');
    },
  );
});

describe('anthropic tool results', () => {
  const history: ChatMessage[] = [
    { role: 'user', content: 'Weather and time in Paris?' },
    {
      role: 'assistant',
      content: 'Let me look that up.',
      toolCalls: [
        { id: 'toolu_01A', name: 'get_weather', arguments: '{"location":"Paris","unit":"celsius"}' },
        { id: 'toolu_01B', name: 'get_time', arguments: '{"zone":"Europe/Paris"}' },
      ],
    },
    { role: 'tool', toolCallId: 'toolu_01A', content: '18°C and sunny' },
  ];

  it('answers a turn of results with "The tool said: …", sending the results as one user message', async () => {
    const { events, sent } = await run({
      messages: [...history, { role: 'tool', toolCallId: 'toolu_01B', content: '14:05' }],
      tools: { definitions: [weather, clock] },
    });
    expect(textOf(events)).toBe('The tool said: 18°C and sunny | 14:05');
    expect(callsOf(events)).toEqual([]);
    expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'end_turn' });

    expect(sent[0]?.messages).toEqual([
      { role: 'user', content: 'Weather and time in Paris?' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me look that up.' },
          { type: 'tool_use', id: 'toolu_01A', name: 'get_weather', input: { location: 'Paris', unit: 'celsius' } },
          { type: 'tool_use', id: 'toolu_01B', name: 'get_time', input: { zone: 'Europe/Paris' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_01A', content: '18°C and sunny' },
          { type: 'tool_result', tool_use_id: 'toolu_01B', content: '14:05' },
        ],
      },
    ]);
  });

  it('sends a call recorded without arguments (as Anthropic streams one that takes none) with input {}', async () => {
    const { events, sent } = await run({
      messages: [
        { role: 'user', content: 'What time is it?' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'toolu_01C', name: 'get_time', arguments: '' }] },
        { role: 'tool', toolCallId: 'toolu_01C', content: 'noon' },
      ],
      tools: { definitions: [clock] },
    });
    expect(textOf(events)).toBe('The tool said: noon');
    expect(sent[0]?.messages).toContainEqual({
      role: 'assistant',
      content: [{ type: 'tool_use', id: 'toolu_01C', name: 'get_time', input: {} }],
    });
  });

  it("reports Anthropic's 400 for a result whose call id matches no call as one bad_request error", async () => {
    const { events, sent } = await run({
      messages: [
        ...history,
        { role: 'tool', toolCallId: 'toolu_01B', content: '14:05' },
        { role: 'tool', toolCallId: 'toolu_nope', content: 'stale' },
      ],
      tools: { definitions: [weather, clock] },
    });
    expect(sent).toHaveLength(1);
    expect(events).toEqual([
      {
        type: 'error',
        code: 'bad_request',
        retryable: false,
        status: 400,
        message: expect.stringContaining(
          'messages.2.content.2: unexpected `tool_use_id` found in `tool_result` blocks: toolu_nope.',
        ),
      },
    ]);
  });

  it("reports Anthropic's 400 for a tool name it does not accept", async () => {
    const { events } = await run({
      messages: ask('Weather?'),
      tools: { definitions: [{ ...weather, name: 'get weather' }] },
    });
    expect(events).toEqual([
      expect.objectContaining({
        code: 'bad_request',
        status: 400,
        message: expect.stringContaining("tools.0.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'"),
      }),
    ]);
  });

  it('refuses a call whose arguments are not a JSON object before calling Anthropic, naming the call', async () => {
    const { events, sent } = await run({
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'toolu_01D', name: 'get_weather', arguments: '{"loc' }] },
        { role: 'tool', toolCallId: 'toolu_01D', content: 'rain' },
      ],
      tools: { definitions: [weather] },
    });
    expect(sent).toEqual([]);
    expect(events).toEqual([
      {
        type: 'error',
        code: 'bad_request',
        retryable: false,
        message: expect.stringMatching(/^Tool call toolu_01D \(get_weather\) cannot be sent to Anthropic/),
      },
    ]);
  });
});

describe('anthropic structured outputs', () => {
  const schema = {
    type: 'object',
    properties: { city: { type: 'string' }, temperature: { type: 'number' }, sunny: { type: 'boolean' } },
    required: ['city', 'temperature', 'sunny'],
    additionalProperties: false,
  };

  it('sends a JSON Schema as output_config.format and gets back JSON of that schema', async () => {
    const { events, sent } = await run({
      messages: ask('Weather in Paris, as JSON'),
      responseFormat: { type: 'json_schema', name: 'weather', schema },
    });
    expect(sent[0]?.output_config).toEqual({ format: { type: 'json_schema', schema } });
    const reply = JSON.parse(textOf(events)) as Record<string, unknown>;
    expect(Object.keys(reply).sort()).toEqual(['city', 'sunny', 'temperature']);
    expect(reply).toEqual({ city: expect.any(String), temperature: expect.any(Number), sunny: expect.any(Boolean) });
    expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'end_turn' });
  });

  it('refuses a JSON object without a schema before calling Anthropic, which has no such mode', async () => {
    const { events, sent } = await run({ messages: ask('JSON please'), responseFormat: { type: 'json_object' } });
    expect(sent).toEqual([]);
    expect(events).toEqual([
      expect.objectContaining({ type: 'error', code: 'bad_request', message: expect.stringContaining('json_schema') }),
    ]);
  });
});

// scripts/fake-upstreams/documented/anthropic-tools.sse: Anthropic's "Streaming request with tool use"
// response, byte for byte, sent for `documented=1` when the request offers tools.
describe('documented Anthropic tool-use stream', () => {
  it('reads the text, then get_weather with its documented id and argument pieces, 472 and 89 tokens, tool_use', async () => {
    const { events } = await run({
      messages: [{ role: 'user', content: 'What is the weather like in San Francisco? [[fake documented=1]]' }],
      tools: { definitions: [weather], choice: 'required' },
    });
    expect(textOf(events)).toBe("Okay, let's check the weather for San Francisco, CA:");
    // The tool_use is Anthropic's content block 1 (the text is 0) but Parley's first call: index 0.
    expect(toolEvents(events)).toEqual([
      { type: 'tool_call', index: 0, id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', arguments: '' },
      ...['{"location":', ' "San', ' Francisc', 'o,', ' CA"', ', ', '"unit": "fah', 'renheit"}'].map((piece) => ({
        type: 'tool_call',
        index: 0,
        arguments: piece,
      })),
    ]);
    expect(JSON.parse(callsOf(events)[0]!.arguments)).toEqual({ location: 'San Francisco, CA', unit: 'fahrenheit' });
    expect(events.filter((e) => e.type === 'usage')).toEqual([
      { type: 'usage', inputTokens: 472, outputTokens: 2, cachedTokens: 0 },
      { type: 'usage', inputTokens: 472, outputTokens: 89, cachedTokens: 0 },
    ]);
    expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'tool_use' });
  });
});
