// The Gemini adapter's function calling and JSON mode, through @google/genai inside workerd against
// the fake Gemini (scripts/fake-upstreams/gemini-tools.ts), which checks requests as Gemini does.
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { adapters, type ChatMessage, type ChatRequest, type ProviderEvent } from '../../worker/providers/index.ts';
import { demoLabel } from '../../scripts/fake-upstreams/reply.ts';
import type { LoggedRequest } from '../../scripts/fake-upstreams/request-log.ts';

const upstream = inject('fakeUpstreamUrl');
const config = { apiKey: 'gm-test-0123456789abcdef', baseURL: `${upstream}/gemini` };

afterEach(() => vi.restoreAllMocks());

const weather = {
  name: 'get_weather',
  description: 'The weather in a city',
  parameters: {
    type: 'object',
    properties: {
      city: { type: 'string' },
      unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
      days: { type: 'integer' },
    },
    required: ['city', 'unit'],
  },
};
const time = { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'string' } } } };

type Options = Partial<Pick<ChatRequest, 'tools' | 'responseFormat' | 'whole'>> & {
  history?: ChatMessage[];
  after?: ChatMessage[];
};

/** One reply; the first user message carries the log key and `directives`. */
async function run(directives: string, options: Options = {}) {
  const key = `gemini-tools-${crypto.randomUUID()}`;
  const messages: ChatMessage[] = [
    ...(options.history ?? []),
    { role: 'user', content: `What is the weather? [[fake ttft=0 tps=0 key=${key} ${directives}]]` },
    ...(options.after ?? []),
  ];
  const events: ProviderEvent[] = [];
  const request: ChatRequest = {
    model: 'gemini-2.5-flash',
    messages,
    maxOutputTokens: 256,
    signal: new AbortController().signal,
    ...(options.tools ? { tools: options.tools } : {}),
    ...(options.responseFormat ? { responseFormat: options.responseFormat } : {}),
    ...(options.whole ? { whole: true } : {}),
  };
  for await (const event of adapters.google.stream(request, config)) events.push(event);
  return { events, key };
}

async function logged(key: string): Promise<LoggedRequest[]> {
  const res = await fetch(`${upstream}/__control/requests?key=${encodeURIComponent(key)}`);
  return res.json<LoggedRequest[]>();
}

const textOf = (events: ProviderEvent[]) => events.flatMap((e) => (e.type === 'text' ? [e.text] : [])).join('');
const callsOf = (events: ProviderEvent[]) => events.filter((e) => e.type === 'tool_call');
const GENERATED_ID = /^call_[0-9a-f]{32}$/;

describe('google adapter tools', () => {
  it('streams a call to the offered function with its arguments and an id of its own, then stops with tool_use', async () => {
    const { events, key } = await run('', { tools: { definitions: [weather] } });
    expect(callsOf(events)).toEqual([
      {
        type: 'tool_call',
        index: 0,
        id: expect.stringMatching(GENERATED_ID),
        name: 'get_weather',
        arguments: '{"city":"fake-city","unit":"celsius"}',
      },
    ]);
    expect(textOf(events)).toBe('');
    expect(events.at(-2)).toMatchObject({ type: 'usage', outputTokens: expect.any(Number) });
    expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'tool_use' });

    const [entry] = await logged(key);
    expect(entry?.tools).toEqual([
      {
        functionDeclarations: [
          { name: 'get_weather', description: 'The weather in a city', parametersJsonSchema: weather.parameters },
        ],
      },
    ]);
    expect(entry?.toolChoice).toBeUndefined();
  });

  it('streams two calls of one reply under indexes 0 and 1, each with its own id', async () => {
    const { events } = await run('tools=2', { tools: { definitions: [weather, time] } });
    const calls = callsOf(events);
    expect(calls).toEqual([
      expect.objectContaining({ index: 0, name: 'get_weather', arguments: '{"city":"fake-city","unit":"celsius"}' }),
      expect.objectContaining({ index: 1, name: 'get_time', arguments: '{}' }),
    ]);
    expect(new Set(calls.map((call) => call.id)).size).toBe(2);
    expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'tool_use' });
  });

  it('reads the calls of a reply asked for whole (generateContent) as it reads them streamed', async () => {
    const { events, key } = await run('tools=2', { tools: { definitions: [weather, time] }, whole: true });
    expect(callsOf(events)).toEqual([
      {
        type: 'tool_call',
        index: 0,
        id: expect.stringMatching(GENERATED_ID),
        name: 'get_weather',
        arguments: '{"city":"fake-city","unit":"celsius"}',
      },
      { type: 'tool_call', index: 1, id: expect.stringMatching(GENERATED_ID), name: 'get_time', arguments: '{}' },
    ]);
    expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'tool_use' });
    expect((await logged(key))[0]).toMatchObject({ stream: false });
  });

  it('answers a turn of tool results, each sent as a functionResponse named after the call it answers', async () => {
    const spy = vi.spyOn(globalThis, 'fetch');
    const { events, key } = await run('', {
      tools: { definitions: [weather, time] },
      after: [
        {
          role: 'assistant',
          content: 'Let me check.',
          toolCalls: [
            { id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
            { id: 'call_b', name: 'get_time', arguments: '{}' },
          ],
        },
        { role: 'tool', toolCallId: 'call_a', content: '{"temp":21}' },
        { role: 'tool', toolCallId: 'call_b', content: 'noon' },
      ],
    });
    expect(textOf(events)).toBe('The tool said: {"result":{"temp":21}} | noon');
    expect(callsOf(events)).toEqual([]);
    expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'end_turn' });

    const [entry] = await logged(key);
    expect(entry?.messages).toBe(3);
    expect(entry?.toolResults).toEqual([
      { id: 'call_a', name: 'get_weather', content: '{"result":{"temp":21}}' },
      { id: 'call_b', name: 'get_time', content: '{"result":"noon"}' },
    ]);
    // What Gemini was sent: the text before the calls, the first call signed as the docs prescribe
    // for calls whose signature was not kept, and both results in one user turn.
    const sent = JSON.parse(String(spy.mock.calls[0]?.[1]?.body)) as { contents: unknown[] };
    expect(sent.contents.slice(1)).toEqual([
      {
        role: 'model',
        parts: [
          { text: 'Let me check.' },
          {
            functionCall: { name: 'get_weather', args: { city: 'Paris', unit: 'celsius' }, id: 'call_a' },
            thoughtSignature: 'skip_thought_signature_validator',
          },
          { functionCall: { name: 'get_time', args: {}, id: 'call_b' } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_weather', response: { result: { temp: 21 } }, id: 'call_a' } },
          { functionResponse: { name: 'get_time', response: { result: 'noon' }, id: 'call_b' } },
        ],
      },
    ]);
  });

  it.each([
    ['auto', { mode: 'AUTO' }, 'get_weather'],
    ['required', { mode: 'ANY' }, 'get_weather'],
    [{ name: 'get_time' }, { mode: 'ANY', allowedFunctionNames: ['get_time'] }, 'get_time'],
    ['none', { mode: 'NONE' }, undefined],
  ] as const)('sends tool choice %j as functionCallingConfig %j', async (choice, expected, called) => {
    const { events, key } = await run('tokens=3', { tools: { definitions: [weather, time], choice } });
    const [entry] = await logged(key);
    expect(entry?.toolChoice).toEqual({ functionCallingConfig: expected });
    if (called) {
      expect(callsOf(events).map((call) => call.name)).toEqual([called]);
      expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'tool_use' });
    } else {
      expect(callsOf(events)).toEqual([]);
      expect(textOf(events)).toBe('(Offline demo reply');
      expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'end_turn' });
    }
  });

  it('keeps several calls when parallel is false: Gemini has no switch for it', async () => {
    const { events } = await run('tools=2', { tools: { definitions: [weather, time], parallel: false } });
    expect(callsOf(events)).toHaveLength(2);
  });
});

describe('google adapter structured output', () => {
  const schema = {
    type: 'object',
    properties: { title: { type: 'string' }, stars: { type: 'integer' }, tags: { type: 'array' } },
    required: ['title', 'stars', 'tags'],
  };

  it('asks for JSON of the schema and streams the JSON text', async () => {
    const { events, key } = await run('', {
      responseFormat: { type: 'json_schema', name: 'review', schema, strict: true },
    });
    expect(JSON.parse(textOf(events))).toEqual({ title: 'fake-title', stars: 1, tags: [] });
    expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'end_turn' });
    const [entry] = await logged(key);
    expect(entry?.responseFormat).toEqual({ responseMimeType: 'application/json', responseJsonSchema: schema });
  });

  it('asks for any JSON object without a schema', async () => {
    const { events, key } = await run('', { responseFormat: { type: 'json_object' } });
    expect(JSON.parse(textOf(events))).toEqual({ reply: demoLabel('gemini') });
    const [entry] = await logged(key);
    expect(entry?.responseFormat).toEqual({ responseMimeType: 'application/json' });
  });
});

describe('google adapter tool mapping mistakes', () => {
  it('reports a result for a function the request does not offer as Gemini refuses it: bad_request 400', async () => {
    const { events } = await run('', {
      tools: { definitions: [time] },
      after: [
        { role: 'assistant', content: '', toolCalls: [{ id: 'call_a', name: 'get_weather', arguments: '{}' }] },
        { role: 'tool', toolCallId: 'call_a', content: 'sunny' },
      ],
    });
    expect(events).toEqual([
      expect.objectContaining({ type: 'error', code: 'bad_request', retryable: false, status: 400 }),
    ]);
    // The fake's refusal, as the Gemini error body carried it.
    expect(events[0]).toMatchObject({
      message: expect.stringMatching(/^Gemini 400 INVALID_ARGUMENT: .*"get_weather" matches no declared function/),
    });
  });

  it('refuses a result that answers no earlier call without asking Gemini', async () => {
    const { events, key } = await run('', {
      tools: { definitions: [weather] },
      after: [{ role: 'tool', toolCallId: 'call_missing', content: 'sunny' }],
    });
    expect(events).toEqual([
      {
        type: 'error',
        code: 'bad_request',
        retryable: false,
        message: "Tool result 'call_missing' answers no earlier tool call.",
      },
    ]);
    expect(await logged(key)).toEqual([]);
  });
});

describe('documented Gemini function call', () => {
  it('reads the recorded find_theaters call exactly: its arguments, an id of its own, no usage, tool_use', async () => {
    const tools = { definitions: [{ name: 'find_theaters', parameters: { type: 'object' } }] };
    // The documented call, read from the replayed bytes without any SDK.
    const res = await fetch(`${upstream}/gemini/v1beta/models/gemini-pro:streamGenerateContent?alt=sse`, {
      method: 'POST',
      headers: { 'x-goog-api-key': config.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({
        contents: [{ role: 'user', parts: [{ text: '[[fake documented=1]]' }] }],
        tools: [{ functionDeclarations: [{ name: 'find_theaters' }] }],
      }),
    });
    const lines = (await res.text()).split('\n').filter((line) => line.startsWith('data: '));
    expect(lines).toHaveLength(1);
    const [chunk] = lines.map(
      (line) =>
        JSON.parse(line.slice('data: '.length)) as {
          candidates: { content: { parts: { functionCall: { name: string; args: object } }[] } }[];
        },
    );
    const documented = chunk!.candidates[0]!.content.parts[0]!.functionCall;
    expect(documented.name).toBe('find_theaters');

    const { events } = await run('documented=1', { tools });
    expect(events).toEqual([
      {
        type: 'tool_call',
        index: 0,
        id: expect.stringMatching(GENERATED_ID),
        name: 'find_theaters',
        arguments: '{"movie":"Barbie","location":"Mountain View, CA"}',
      },
      { type: 'done', stopReason: 'tool_use' },
    ]);
    expect(JSON.parse((events[0] as { arguments: string }).arguments)).toEqual(documented.args);
  });
});
