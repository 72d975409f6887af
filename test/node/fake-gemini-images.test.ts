// The fake Gemini's images (scripts/fake-upstreams/gemini-images.ts): what it refuses as Gemini
// does, what its model says it sees, and the prompt tokens images cost, on the raw wire and
// through @google/genai.
import { GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstreams, type FakeUpstreams } from '../../scripts/fake-upstreams.ts';

let fakes: FakeUpstreams;
let gemini: GoogleGenAI;

beforeAll(async () => {
  fakes = await startFakeUpstreams({ port: 0 });
  gemini = new GoogleGenAI({
    apiKey: 'test-key',
    httpOptions: { baseUrl: `${fakes.url}/gemini`, apiVersion: 'v1beta' },
  });
});

afterAll(() => fakes?.close());

/** A real 1×1 PNG, 68 bytes. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
const inline = (mimeType: string, data = PNG) => ({ inlineData: { mimeType, data } });
const user = (...parts: object[]) => ({ role: 'user', parts });

async function post(body: object) {
  return fetch(`${fakes.url}/gemini/v1beta/models/gemini-test:generateContent`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-goog-api-key': 'test-key' },
    body: JSON.stringify(body),
  });
}

describe('fake Gemini refuses images Gemini refuses', () => {
  it.each([
    ['a type Gemini does not read', user({ text: 'hi' }, inline('image/gif')), 'Unsupported MIME type: image/gif'],
    ['no type at all', user(inline('')), 'Unsupported MIME type: '],
    [
      'bytes that are not base64',
      user({ text: 'hi' }, inline('image/png', `data:image/png;base64,${PNG}`)),
      `Invalid value at 'contents[0].parts[1].inline_data.data' (TYPE_BYTES), Base64 decoding failed for "data:image/png;base64,${PNG.slice(0, 78)}..."`,
    ],
    ['no bytes at all', user({ inlineData: { mimeType: 'image/png' } }), /^Unable to process input image/],
    [
      'a file URI Gemini cannot read',
      user({ fileData: { mimeType: 'image/png', fileUri: 'http://images.example/cat.png' } }),
      'Invalid or unsupported file uri: http://images.example/cat.png',
    ],
  ])('400 INVALID_ARGUMENT for %s', async (_case, content, message) => {
    const response = await post({ contents: [content] });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: {
        code: 400,
        message: typeof message === 'string' ? message : expect.stringMatching(message),
        status: 'INVALID_ARGUMENT',
      },
    });
  });
});

describe('fake Gemini model with images', () => {
  it('names the images of the last user turn, their bytes decoded, and counts 258 prompt tokens each', async () => {
    const text = 'What are these?';
    const plain = await gemini.models.generateContent({ model: 'gemini-test', contents: [user({ text })] });
    const response = await gemini.models.generateContent({
      model: 'gemini-test',
      contents: [
        user({ text: 'Earlier' }, inline('image/jpeg', 'AAAA')),
        { role: 'model', parts: [{ text: 'Noted.' }] },
        user({ text }, inline('image/png'), {
          fileData: { mimeType: 'image/webp', fileUri: 'https://images.example/b.webp' },
        }),
      ],
    });
    expect(response.text).toBe('I see 2 images: image/png (68 bytes), https://images.example/b.webp');
    // Three images in the request, each 258 tokens, beside more text than the plain request's.
    const tokens = response.usageMetadata?.promptTokenCount ?? 0;
    const textTokens = tokens - 3 * 258;
    expect(textTokens).toBeGreaterThan(plain.usageMetadata?.promptTokenCount ?? 0);
    expect(textTokens).toBeLessThan(20);
  });

  it('accepts URL-safe base64 without padding, as Google decodes bytes', async () => {
    const urlSafe = Buffer.from(PNG, 'base64').toString('base64url');
    const response = await gemini.models.generateContent({
      model: 'gemini-test',
      contents: [user({ text: 'hi' }, inline('image/png', urlSafe))],
    });
    expect(response.text).toBe('I see 1 image: image/png (68 bytes)');
  });
});
