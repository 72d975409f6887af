// Issue 21 (items 5 and 8): the unmodified `openai` SDK's Responses API against Parley's
// /v1/responses, stateless, for a Claude, an OpenAI and a Gemini model: text streamed and not (the
// SDK's ResponseStream rebuilds the response from Parley's events), a function-calling loop,
// structured output parsed with the SDK's zod helper, and the refusal of previous_response_id.
import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { zodTextFormat } from 'openai/helpers/zod';
import * as z from 'zod';
import { expectedReplyText } from '../../scripts/fake-upstreams/reply.ts';
import { argumentsFor, toolResultText } from '../../scripts/fake-upstreams/tool-reply.ts';
import { BASE, userWithKey } from './helpers.ts';

const MODELS = [
  ['anthropic/claude-haiku-4-5', 'anthropic'],
  ['openai/gpt-4.1-mini', 'openai'],
  ['google/gemini-2.5-flash', 'gemini'],
] as const;

const parameters = {
  type: 'object',
  properties: { location: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
  required: ['location', 'unit'],
  additionalProperties: false,
};
const weather = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'The weather now in a city',
  parameters,
  strict: true,
};

const client = (apiKey: string) =>
  new OpenAI({
    apiKey,
    baseURL: `${BASE}/v1`,
    maxRetries: 0,
    fetch: ((input: RequestInfo | URL, init?: RequestInit) =>
      exports.default.fetch(new Request(input, init))) as typeof fetch,
  });

describe('the Responses API with the openai SDK', () => {
  it.each(MODELS)('%s: answers, and streams the same response', async (model, vendor) => {
    const { key } = await userWithKey();
    const openai = client(key);
    const response = await openai.responses.create({
      model,
      instructions: 'Be brief.',
      input: 'hello [[fake tokens=5]]',
    });
    expect(response.status).toBe('completed');
    expect(response.output_text).toBe(expectedReplyText(vendor, 5));
    expect(response.usage?.output_tokens).toBe(5);

    const stream = openai.responses.stream({ model, input: 'hello [[fake tokens=5]]' });
    let streamed = '';
    for await (const event of stream) if (event.type === 'response.output_text.delta') streamed += event.delta;
    const final = await stream.finalResponse();
    expect(streamed).toBe(expectedReplyText(vendor, 5));
    expect(final.output_text).toBe(streamed);
    expect(final.status).toBe('completed');
  });

  it.each(MODELS)('%s: a function-calling loop, streamed then not', async (model) => {
    const { key } = await userWithKey();
    const openai = client(key);
    const input: OpenAI.Responses.ResponseInput = [{ role: 'user', content: 'What is the weather in Paris?' }];
    const asked = await openai.responses.stream({ model, tools: [weather], input }).finalResponse();
    const calls = asked.output.filter((item) => item.type === 'function_call');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ name: 'get_weather' });
    expect(JSON.parse(calls[0]!.arguments)).toEqual(argumentsFor(parameters));

    const answer = await openai.responses.create({
      model,
      tools: [weather],
      input: [
        ...input,
        ...calls,
        { type: 'function_call_output', call_id: calls[0]!.call_id, output: '18 degrees and sunny' },
      ],
    });
    expect(answer.output_text).toBe(toolResultText(['18 degrees and sunny']));
  });

  it.each(MODELS)('%s: structured output, parsed by the SDK', async (model) => {
    const { key } = await userWithKey();
    const Weather = z.object({ city: z.string(), celsius: z.number(), sunny: z.boolean() });
    const response = await client(key).responses.parse({
      model,
      input: 'The weather in Paris, as JSON',
      text: { format: zodTextFormat(Weather, 'weather') },
    });
    expect(Weather.parse(response.output_parsed)).toEqual(response.output_parsed);
  });

  it('refuses previous_response_id, as it keeps no response, naming the parameter', async () => {
    const { key } = await userWithKey();
    const refused = client(key).responses.create({
      model: MODELS[1][0],
      input: 'hi',
      previous_response_id: 'resp_123',
    });
    await expect(refused).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(refused).rejects.toMatchObject({ param: 'previous_response_id' });
  });
});
