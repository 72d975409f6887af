// Issue 8: the client libraries people already use, unmodified, against Parley's /v1 API: the
// `openai` SDK and Vercel's AI SDK (`ai` with @ai-sdk/openai-compatible), streaming and not, for a
// Claude, an OpenAI and a Gemini model through the fake upstreams. Each client's fetch is pointed
// at the Worker's own fetch handler; everything else is the libraries' own code.
import { env, exports } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { APICallError, generateText, streamText } from 'ai';
import { usageEvents } from '../../drizzle/schema.ts';
import { createDb } from '../../worker/db/client.ts';
import { expectedReplyText } from '../../scripts/fake-upstreams/reply.ts';
import { BASE, call, eventually, keyOutOfQuota, userWithKey } from './helpers.ts';

const MODELS = [
  ['anthropic/claude-haiku-4-5', 'anthropic'],
  ['openai/gpt-4.1-mini', 'openai'],
  ['google/gemini-2.5-flash', 'gemini'],
] as const;

/** The Worker as the network, counting the requests a client makes. */
function workerFetch() {
  const calls = { count: 0 };
  const fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    calls.count++;
    return exports.default.fetch(new Request(input, init));
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}

const openaiClient = (apiKey: string, fetch = workerFetch().fetch) =>
  new OpenAI({ apiKey, baseURL: `${BASE}/v1`, fetch, maxRetries: 2 });
const aiProvider = (apiKey: string, fetch = workerFetch().fetch) =>
  createOpenAICompatible({ name: 'parley', baseURL: `${BASE}/v1`, apiKey, includeUsage: true, fetch });

/** The usage Parley recorded for one user: rows once the queue has delivered them. */
async function recorded(userId: string, rows: number) {
  const read = () => createDb(env).select().from(usageEvents).where(eq(usageEvents.userId, userId));
  return eventually(read, (r) => r.length === rows, 10_000);
}

describe('the openai SDK', () => {
  it.each(MODELS)('completes with %s, and reports the usage Parley records', async (model, vendor) => {
    const { key, userId } = await userWithKey();
    const completion = await openaiClient(key).chat.completions.create({
      model,
      max_tokens: 100,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hello [[fake tokens=7]]' },
      ],
    });
    expect(completion.choices[0]!.message.content).toBe(expectedReplyText(vendor, 7));
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    const [row] = await recorded(userId, 1);
    expect({ prompt: completion.usage!.prompt_tokens, completion: completion.usage!.completion_tokens }).toEqual({
      prompt: row!.inputTokens,
      completion: row!.outputTokens,
    });
  });

  it.each(MODELS)('streams %s, with usage in the last chunk', async (model, vendor) => {
    const { key, userId } = await userWithKey();
    const stream = await openaiClient(key).chat.completions.create({
      model,
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'hello [[fake tokens=9]]' }],
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(expectedReplyText(vendor, 9));
    const [row] = await recorded(userId, 1);
    expect({ prompt: usage!.prompt_tokens, completion: usage!.completion_tokens }).toEqual({
      prompt: row!.inputTokens,
      completion: row!.outputTokens,
    });
  });

  it('lists the models', async () => {
    const { key } = await userWithKey();
    const ids = [];
    for await (const model of openaiClient(key).models.list()) ids.push(model.id);
    expect(ids).toEqual(expect.arrayContaining(MODELS.map(([id]) => id)));
  });

  it('raises AuthenticationError for a revoked key', async () => {
    const { token, key, keyId } = await userWithKey();
    await call(`/api/keys/${keyId}`, { method: 'DELETE', token });
    const error = await openaiClient(key)
      .chat.completions.create({ model: MODELS[0][0], messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe('invalid_api_key');
  });

  it('raises RateLimitError insufficient_quota when the quota is used up, without retrying', async () => {
    const key = await keyOutOfQuota();
    const { fetch, calls } = workerFetch();
    const error = await openaiClient(key, fetch)
      .chat.completions.create({ model: MODELS[1][0], messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).code).toBe('insufficient_quota');
    expect(calls.count).toBe(1);
  });

  it('raises BadRequestError naming an unsupported parameter', async () => {
    const { key } = await userWithKey();
    const error = await openaiClient(key)
      .chat.completions.create({ model: MODELS[1][0], n: 3, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('n');
  });
});

describe("Vercel's AI SDK (openai-compatible provider)", () => {
  it.each(MODELS)('generates text with %s, and reports the usage Parley records', async (model, vendor) => {
    const { key, userId } = await userWithKey();
    const result = await generateText({
      model: aiProvider(key)(model),
      system: 'Be brief.',
      prompt: 'hello [[fake tokens=5]]',
      maxOutputTokens: 100,
    });
    expect(result.text).toBe(expectedReplyText(vendor, 5));
    expect(result.finishReason).toBe('stop');
    const [row] = await recorded(userId, 1);
    expect({ input: result.usage.inputTokens, output: result.usage.outputTokens }).toEqual({
      input: row!.inputTokens,
      output: row!.outputTokens,
    });
  });

  it.each(MODELS)('streams text with %s, with usage at the end', async (model, vendor) => {
    const { key, userId } = await userWithKey();
    const result = streamText({ model: aiProvider(key)(model), prompt: 'hello [[fake tokens=8]]' });
    let text = '';
    for await (const delta of result.textStream) text += delta;
    expect(text).toBe(expectedReplyText(vendor, 8));
    const usage = await result.usage;
    const [row] = await recorded(userId, 1);
    expect({ input: usage.inputTokens, output: usage.outputTokens }).toEqual({
      input: row!.inputTokens,
      output: row!.outputTokens,
    });
  });

  it('fails with APICallError 401 for a revoked key', async () => {
    const { token, key, keyId } = await userWithKey();
    await call(`/api/keys/${keyId}`, { method: 'DELETE', token });
    const error = await generateText({ model: aiProvider(key)(MODELS[2][0]), prompt: 'hi' }).catch((e: unknown) => e);
    expect(APICallError.isInstance(error)).toBe(true);
    expect((error as APICallError).statusCode).toBe(401);
  });

  it('fails with APICallError 429 insufficient_quota when the quota is used up', async () => {
    const key = await keyOutOfQuota();
    // The AI SDK retries every 429 (it does not read x-should-retry); without retries the first answer is the error.
    const error = await generateText({ model: aiProvider(key)(MODELS[0][0]), prompt: 'hi', maxRetries: 0 }).catch(
      (e: unknown) => e,
    );
    expect(APICallError.isInstance(error)).toBe(true);
    expect((error as APICallError).statusCode).toBe(429);
    expect((error as APICallError).responseBody).toContain('insufficient_quota');
  });
});
