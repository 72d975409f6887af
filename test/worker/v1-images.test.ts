// Issue 21 (items 3 and 8): images in messages, through /v1 with the unmodified SDKs, for a Claude,
// an OpenAI and a Gemini model: a PNG given as a data URL (OpenAI's Chat Completions and
// Responses) or a base64 block (Anthropic's Messages) reaches the model intact, and the tokens the
// vendor counts for it are what the call reports and bills; and the limits every vendor can honour
// refuse the rest with a 400 naming the field.
import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { IMAGE_TOKENS, imagesText } from '../../scripts/fake-upstreams/image-reply.ts';
import { BASE, complete, type OpenAiErrorBody, userWithKey } from './helpers.ts';

const MODELS = [
  ['anthropic/claude-haiku-4-5', 'anthropic'],
  ['openai/gpt-4.1-mini', 'openai'],
  ['google/gemini-2.5-flash', 'gemini'],
] as const;
/** A real 1×1 PNG. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const PNG_BYTES = atob(PNG).length;
const GIF = 'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

const workerFetch = ((input: RequestInfo | URL, init?: RequestInit) =>
  exports.default.fetch(new Request(input, init))) as typeof fetch;
const openai = (apiKey: string) => new OpenAI({ apiKey, baseURL: `${BASE}/v1`, maxRetries: 0, fetch: workerFetch });
const anthropic = (apiKey: string) => new Anthropic({ apiKey, baseURL: BASE, maxRetries: 0, fetch: workerFetch });
const seen = imagesText([{ mediaType: 'image/png', bytes: PNG_BYTES }]);

describe('images through /v1', () => {
  it.each(MODELS)(
    '%s: a data-URL PNG in Chat Completions reaches the model, its tokens billed',
    async (model, vendor) => {
      const { key } = await userWithKey();
      const ask = (content: OpenAI.Chat.ChatCompletionContentPart[]) =>
        openai(key).chat.completions.create({ model, messages: [{ role: 'user', content }] });
      const text = await ask([{ type: 'text', text: 'What is this?' }]);
      const withImage = await ask([
        { type: 'text', text: 'What is this?' },
        { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
      ]);
      expect(withImage.choices[0]!.message.content).toBe(seen);
      // The vendor's own count for the image, on top of the same text.
      expect(withImage.usage!.prompt_tokens - text.usage!.prompt_tokens).toBe(IMAGE_TOKENS[vendor]);
    },
  );

  it.each(MODELS)('%s: a base64 image block in Anthropic Messages reaches the model', async (model) => {
    const { key } = await userWithKey();
    const message = await anthropic(key).messages.create({
      model,
      max_tokens: 100,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
            { type: 'text', text: 'What is this?' },
          ],
        },
      ],
    });
    expect(message.content).toEqual([{ type: 'text', text: seen }]);
  });

  it.each(MODELS)('%s: an input_image in the Responses API reaches the model', async (model) => {
    const { key } = await userWithKey();
    const response = await openai(key).responses.create({
      model,
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'What is this?' },
            { type: 'input_image', image_url: `data:image/png;base64,${PNG}`, detail: 'auto' },
          ],
        },
      ],
    });
    expect(response.output_text).toBe(seen);
  });

  it.each<[string, string, Array<Record<string, unknown>>, string, RegExp]>([
    [
      'an image for a model that reads none',
      'openai-compat/llama-test',
      [{ type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }],
      'messages',
      /does not read images/,
    ],
    [
      'a GIF for a Gemini model',
      'google/gemini-2.5-flash',
      [{ type: 'image_url', image_url: { url: `data:image/gif;base64,${GIF}` } }],
      'messages',
      /GIF/,
    ],
    [
      'more than 20 images',
      'openai/gpt-4.1-mini',
      Array.from({ length: 21 }, () => ({ type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } })),
      'messages',
      /at most 20 images/,
    ],
    [
      'an image over 5 MB as base64',
      'openai/gpt-4.1-mini',
      [{ type: 'image_url', image_url: { url: `data:image/png;base64,${'A'.repeat(5 * 1024 * 1024 + 4)}` } }],
      'messages[0].content[0].image_url.url',
      /at most 5 MB/,
    ],
    [
      'a media type no vendor reads',
      'openai/gpt-4.1-mini',
      [{ type: 'image_url', image_url: { url: `data:image/tiff;base64,${PNG}` } }],
      'messages[0].content[0].image_url.url',
      /image\/png, image\/jpeg/,
    ],
  ])('refuses %s with a 400 naming the field', async (_, model, content, param, message) => {
    const { key } = await userWithKey();
    const res = await complete(key, { model, messages: [{ role: 'user', content }] });
    expect(res.status).toBe(400);
    const { error } = await res.json<OpenAiErrorBody>();
    expect(error.param).toBe(param);
    expect(error.message).toMatch(message);
  });
});
