// Issue 21 (items 1, 2 and 8): an agent's loop through /v1/chat/completions with the unmodified
// `openai` SDK and Vercel's AI SDK, for a Claude, an OpenAI and a Gemini model: the model asks for a
// tool, the client runs it, the model answers with what the tool said; streamed and not;
// structured output parsed by each SDK's own schema helpers. The fakes answer as the vendors' tool-use documentation shows
// (scripts/fake-upstreams/tool-reply.ts decides what a fake model asks and says).
import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateObject, generateText, jsonSchema, stepCountIs, streamText, tool } from 'ai';
import { zodResponseFormat } from 'openai/helpers/zod';
import * as z from 'zod';
import { argumentsFor, toolResultText } from '../../scripts/fake-upstreams/tool-reply.ts';
import { BASE, complete, type OpenAiErrorBody, userWithKey } from './helpers.ts';

const MODELS = ['anthropic/claude-haiku-4-5', 'openai/gpt-4.1-mini', 'google/gemini-2.5-flash'] as const;

const parameters = {
  type: 'object',
  properties: {
    location: { type: 'string', description: 'A city, e.g. Paris' },
    unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
  },
  required: ['location', 'unit'],
};
const weather = {
  type: 'function' as const,
  function: { name: 'get_weather', description: 'The weather now in a city', parameters },
};
/** What every fake model asks the weather tool for (the first value of each required property). */
const asked = argumentsFor(parameters);

const client = (apiKey: string) =>
  new OpenAI({
    apiKey,
    baseURL: `${BASE}/v1`,
    maxRetries: 0,
    fetch: ((input: RequestInfo | URL, init?: RequestInit) =>
      exports.default.fetch(new Request(input, init))) as typeof fetch,
  });

describe('tools through /v1 with the openai SDK', () => {
  it.each(MODELS)('%s: asks for the tool, streamed, then answers with its result', async (model) => {
    const { key } = await userWithKey();
    const openai = client(key);
    const question = { role: 'user' as const, content: 'What is the weather in Paris?' };
    const stream = await openai.chat.completions.create({
      model,
      stream: true,
      tools: [weather],
      messages: [question],
    });
    // Reassembled from delta.tool_calls parts as OpenAI documents it: the first part of an index has id and name.
    const calls: Array<{ id: string; name: string; arguments: string }> = [];
    let finish: string | null = null;
    for await (const chunk of stream) {
      for (const part of chunk.choices[0]?.delta.tool_calls ?? []) {
        const call = (calls[part.index] ??= { id: '', name: '', arguments: '' });
        call.id ||= part.id ?? '';
        call.name ||= part.function?.name ?? '';
        call.arguments += part.function?.arguments ?? '';
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(finish).toBe('tool_calls');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.name).toBe('get_weather');
    expect(calls[0]!.id).not.toBe('');
    expect(JSON.parse(calls[0]!.arguments)).toEqual(asked);

    const answer = await openai.chat.completions.create({
      model,
      tools: [weather],
      messages: [
        question,
        {
          role: 'assistant',
          content: null,
          tool_calls: calls.map((c) => ({
            id: c.id,
            type: 'function',
            function: { name: c.name, arguments: c.arguments },
          })),
        },
        { role: 'tool', tool_call_id: calls[0]!.id, content: '18 degrees and sunny' },
      ],
    });
    expect(answer.choices[0]!.finish_reason).toBe('stop');
    expect(answer.choices[0]!.message.content).toBe(toolResultText(['18 degrees and sunny']));
    expect((answer.usage as { cost?: number }).cost).toBeGreaterThan(0);
  });

  it.each(MODELS)('%s: runs the whole loop with the SDK’s own runTools, not streamed', async (model) => {
    const { key } = await userWithKey();
    const seen: unknown[] = [];
    const runner = client(key).chat.completions.runTools({
      model,
      messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'The weather now in a city',
            parameters,
            parse: JSON.parse,
            function: (args: unknown) => {
              seen.push(args);
              return 'rain, 12 degrees';
            },
          },
        },
      ],
    });
    expect(await runner.finalContent()).toBe(toolResultText(['rain, 12 degrees']));
    expect(seen).toEqual([asked]);
  });

  it.each(MODELS)('%s: structured output, parsed by the SDK’s zod helper', async (model) => {
    const { key } = await userWithKey();
    const Weather = z.object({ location: z.string(), celsius: z.number(), sunny: z.boolean() });
    const completion = await client(key).chat.completions.parse({
      model,
      messages: [{ role: 'user', content: 'The weather in Paris, as JSON' }],
      response_format: zodResponseFormat(Weather, 'weather'),
    });
    const parsed = completion.choices[0]!.message.parsed;
    expect(Weather.parse(parsed)).toEqual(parsed);
  });

  it('refuses a tool message that answers no call, and a tool_choice naming no offered tool, as OpenAI does', async () => {
    const { key } = await userWithKey();
    const orphan = await complete(key, {
      model: MODELS[0],
      tools: [weather],
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'tool', tool_call_id: 'call_nobody', content: '42' },
      ],
    });
    expect(orphan.status).toBe(400);
    expect((await orphan.json<OpenAiErrorBody>()).error).toMatchObject({ param: 'messages[1].tool_call_id' });
    const unanswered = await complete(key, {
      model: MODELS[0],
      tools: [weather],
      messages: [
        { role: 'user', content: 'hi' },
        {
          role: 'assistant',
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }],
        },
        { role: 'user', content: 'and?' },
      ],
    });
    expect(unanswered.status).toBe(400);
    expect((await unanswered.json<OpenAiErrorBody>()).error.message).toMatch(/call_1/);
    const unknown = await complete(key, {
      model: MODELS[0],
      tools: [weather],
      tool_choice: { type: 'function', function: { name: 'get_time' } },
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(unknown.status).toBe(400);
    expect((await unknown.json<OpenAiErrorBody>()).error).toMatchObject({ param: 'tool_choice' });
  });
});

describe('tools through /v1 with the AI SDK', () => {
  const provider = (apiKey: string) =>
    createOpenAICompatible({
      name: 'parley',
      baseURL: `${BASE}/v1`,
      apiKey,
      includeUsage: true,
      supportsStructuredOutputs: true,
      fetch: ((input: RequestInfo | URL, init?: RequestInit) =>
        exports.default.fetch(new Request(input, init))) as typeof fetch,
    });
  const weatherTool = (seen: unknown[]) =>
    tool({
      description: 'The weather now in a city',
      inputSchema: jsonSchema<Record<string, unknown>>(parameters),
      execute: async (input) => {
        seen.push(input);
        return 'windy, 9 degrees';
      },
    });

  it.each(MODELS)('%s: generateText runs the tool and answers in a second step', async (model) => {
    const { key } = await userWithKey();
    const seen: unknown[] = [];
    const result = await generateText({
      model: provider(key)(model),
      tools: { get_weather: weatherTool(seen) },
      stopWhen: stepCountIs(3),
      prompt: 'What is the weather in Paris?',
      maxRetries: 0,
    });
    expect(seen).toEqual([asked]);
    expect(result.steps).toHaveLength(2);
    expect(result.text).toBe(toolResultText(['windy, 9 degrees']));
  });

  it.each(MODELS)('%s: streamText streams the tool call, then the answer', async (model) => {
    const { key } = await userWithKey();
    const seen: unknown[] = [];
    const result = streamText({
      model: provider(key)(model),
      tools: { get_weather: weatherTool(seen) },
      stopWhen: stepCountIs(3),
      prompt: 'What is the weather in Paris?',
      maxRetries: 0,
    });
    let text = '';
    for await (const part of result.textStream) text += part;
    expect(seen).toEqual([asked]);
    expect(text).toBe(toolResultText(['windy, 9 degrees']));
  });

  it.each(MODELS)('%s: generateObject returns an object of the schema', async (model) => {
    const { key } = await userWithKey();
    const schema = z.object({ city: z.string(), celsius: z.number(), sunny: z.boolean() });
    const { object } = await generateObject({
      model: provider(key)(model),
      schema,
      prompt: 'The weather in Paris',
      maxRetries: 0,
    });
    expect(schema.parse(object)).toEqual(object);
  });
});
