// Issue 21 (items 4 and 8): the unmodified @anthropic-ai/sdk against Parley's /v1/messages, with a
// Parley key, for a Claude, an OpenAI and a Gemini model through the fakes: text, streamed and
// not; a tool-use loop (the model asks, the client runs the tool, the model answers), streamed
// with the SDK's MessageStream, which rebuilds a tool's input from input_json_delta events; and
// Anthropic's errors as the SDK raises them.
import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { expectedReplyText } from '../../scripts/fake-upstreams/reply.ts';
import { argumentsFor, toolResultText } from '../../scripts/fake-upstreams/tool-reply.ts';
import { BASE, call, keyOutOfQuota, userWithKey } from './helpers.ts';

const MODELS = [
  ['anthropic/claude-haiku-4-5', 'anthropic'],
  ['openai/gpt-4.1-mini', 'openai'],
  ['google/gemini-2.5-flash', 'gemini'],
] as const;

const inputSchema = {
  type: 'object' as const,
  properties: { location: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
  required: ['location', 'unit'],
};
const weather = { name: 'get_weather', description: 'The weather now in a city', input_schema: inputSchema };

const anthropic = (apiKey: string) =>
  new Anthropic({
    apiKey,
    baseURL: BASE,
    maxRetries: 0,
    fetch: ((input: RequestInfo | URL, init?: RequestInit) =>
      exports.default.fetch(new Request(input, init))) as typeof fetch,
  });

describe('@anthropic-ai/sdk against /v1/messages', () => {
  it.each(MODELS)('%s: answers a message, and streams the same reply', async (model, vendor) => {
    const { key } = await userWithKey();
    const client = anthropic(key);
    const message = await client.messages.create({
      model,
      max_tokens: 100,
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'hello [[fake tokens=5]]' }],
    });
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model,
      stop_reason: 'end_turn',
      content: [{ type: 'text', text: expectedReplyText(vendor, 5) }],
    });
    expect(message.usage.output_tokens).toBe(5);

    const stream = client.messages.stream({
      model,
      max_tokens: 100,
      messages: [{ role: 'user', content: 'hello [[fake tokens=5]]' }],
    });
    let streamed = '';
    stream.on('text', (text) => void (streamed += text));
    const final = await stream.finalMessage();
    expect(streamed).toBe(expectedReplyText(vendor, 5));
    expect(final.content).toEqual([{ type: 'text', text: streamed }]);
    expect(final.usage.output_tokens).toBe(5);
  });

  it.each(MODELS)(
    '%s: a tool-use loop, streamed: the SDK rebuilds the input, the tool result is answered',
    async (model) => {
      const { key } = await userWithKey();
      const client = anthropic(key);
      const question = { role: 'user' as const, content: 'What is the weather in Paris?' };
      const asked = await client.messages
        .stream({ model, max_tokens: 200, tools: [weather], messages: [question] })
        .finalMessage();
      expect(asked.stop_reason).toBe('tool_use');
      const use = asked.content.find((block) => block.type === 'tool_use');
      expect(use).toMatchObject({ type: 'tool_use', name: 'get_weather', input: argumentsFor(inputSchema) });

      const answer = await client.messages.create({
        model,
        max_tokens: 200,
        tools: [weather],
        messages: [
          question,
          { role: 'assistant', content: asked.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: use!.id, content: '18 degrees and sunny' }] },
        ],
      });
      expect(answer.stop_reason).toBe('end_turn');
      expect(answer.content).toEqual([{ type: 'text', text: toolResultText(['18 degrees and sunny']) }]);
    },
  );

  it('takes a Claude model by its bare name, as Claude Code sends it', async () => {
    const { key } = await userWithKey();
    const message = await anthropic(key).messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'hi [[fake tokens=2]]' }],
    });
    expect(message.content).toEqual([{ type: 'text', text: expectedReplyText('anthropic', 2) }]);
  });

  it("answers errors in Anthropic's shape, as the SDK raises them", async () => {
    const { key } = await userWithKey();
    const bad = anthropic('pk_live_not-a-key');
    await expect(
      bad.messages.create({ model: MODELS[0][0], max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    await expect(
      anthropic(key).messages.create({
        model: 'claude-nonexistent',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    ).rejects.toBeInstanceOf(Anthropic.NotFoundError);
    const orphan = anthropic(key).messages.create({
      model: MODELS[0][0],
      max_tokens: 10,
      messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_nobody', content: '42' }] }],
    });
    await expect(orphan).rejects.toBeInstanceOf(Anthropic.BadRequestError);
    await expect(orphan).rejects.toMatchObject({ error: { type: 'error', error: { type: 'invalid_request_error' } } });

    const quota = anthropic(await keyOutOfQuota()).messages.create({
      model: MODELS[0][0],
      max_tokens: 10,
      messages: [{ role: 'user', content: 'hi' }],
    });
    await expect(quota).rejects.toMatchObject({ status: 402, error: { error: { type: 'billing_error' } } });

    const unversioned = await call('/v1/messages', {
      method: 'POST',
      headers: { 'x-api-key': key },
      body: JSON.stringify({ model: MODELS[0][0], max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(unversioned.status).toBe(400);
    expect(await unversioned.json()).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'anthropic-version: header is required' },
    });
  });

  it('counts tokens as the quota estimates them', async () => {
    const { key } = await userWithKey();
    const counted = await anthropic(key).messages.countTokens({
      model: MODELS[0][0],
      messages: [{ role: 'user', content: 'How many tokens is this?' }],
    });
    expect(counted.input_tokens).toBeGreaterThan(0);
  });
});
