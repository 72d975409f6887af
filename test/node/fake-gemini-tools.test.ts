// The fake Gemini's function calling and JSON mode (scripts/fake-upstreams/gemini-tools.ts): what it
// refuses as Gemini does, and what its model answers, through @google/genai and on the raw wire.
import { ApiError, GoogleGenAI } from '@google/genai';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstreams, type FakeUpstreams } from '../../scripts/fake-upstreams.ts';
import { argumentsFor, toolResultText } from '../../scripts/fake-upstreams/tool-reply.ts';

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

const user = (text: string) => ({ role: 'user', parts: [{ text }] });
const lookup = {
  name: 'lookup',
  parametersJsonSchema: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] },
};

/** A raw generateContent request, answered as the fake answers it. */
async function post(body: object, method = 'generateContent') {
  const response = await fetch(
    `${fakes.url}/gemini/v1beta/models/gemini-test:${method}${method.startsWith('stream') ? '?alt=sse' : ''}`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': 'test-key' },
      body: JSON.stringify(body),
    },
  );
  return response;
}

describe('fake Gemini refuses tool requests Gemini refuses', () => {
  it.each([
    ['a tools entry that declares no functions', { contents: [user('hi')], tools: [{}] }, /tools\[0\]\.tool_type/],
    [
      'a function declaration without a name',
      { contents: [user('hi')], tools: [{ functionDeclarations: [{ description: 'no name' }] }] },
      /function_declarations\[0\]\.name: Invalid function name/,
    ],
    [
      'a function response after no function call',
      {
        contents: [user('hi'), { role: 'user', parts: [{ functionResponse: { name: 'lookup', response: {} } }] }],
        tools: [{ functionDeclarations: [lookup] }],
      },
      /function response turn comes immediately after a function call turn/,
    ],
    [
      'fewer responses than calls',
      {
        contents: [
          user('hi'),
          {
            role: 'model',
            parts: [{ functionCall: { name: 'lookup', args: {} } }, { functionCall: { name: 'lookup', args: {} } }],
          },
          { role: 'user', parts: [{ functionResponse: { name: 'lookup', response: {} } }] },
        ],
        tools: [{ functionDeclarations: [lookup] }],
      },
      /number of function response parts is equal to the number of function call parts/,
    ],
    [
      'a response named after a function that was not called',
      {
        contents: [
          user('hi'),
          { role: 'model', parts: [{ functionCall: { name: 'lookup', args: {} } }] },
          { role: 'user', parts: [{ functionResponse: { name: 'other', response: {} } }] },
        ],
        tools: [{ functionDeclarations: [lookup, { name: 'other' }] }],
      },
      /contents\[2\]\.parts\[0\]\.function_response\.name: .*"other" matches no function call/,
    ],
  ])('400 INVALID_ARGUMENT for %s', async (_case, body, message) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { code: 400, message: expect.stringMatching(message), status: 'INVALID_ARGUMENT' },
    });
  });

  it('surfaces the refusal through the SDK as an ApiError with status 400', async () => {
    const call = gemini.models.generateContent({
      model: 'gemini-test',
      contents: [user('hi')],
      config: { tools: [{ functionDeclarations: [{ description: 'no name' }] }] },
    });
    await expect(call).rejects.toBeInstanceOf(ApiError);
    await expect(call).rejects.toMatchObject({ status: 400 });
  });
});

describe('fake Gemini model with tools', () => {
  it('answers a non-streaming request with a function call whose arguments follow the schema', async () => {
    const response = await gemini.models.generateContent({
      model: 'gemini-test',
      contents: [user('look it up')],
      config: { tools: [{ functionDeclarations: [lookup] }] },
    });
    expect(response.functionCalls).toEqual([{ name: 'lookup', args: { q: 'fake-q' } }]);
    expect(response.candidates?.[0]?.finishReason).toBe('STOP');
    expect(response.usageMetadata?.candidatesTokenCount).toBeGreaterThan(0);
  });

  it('sends its calls in one streamed chunk, with the finish reason and the counts', async () => {
    const chunks = [];
    for await (const chunk of await gemini.models.generateContentStream({
      model: 'gemini-test',
      contents: [user('look it up [[fake tools=2]]')],
      config: { tools: [{ functionDeclarations: [lookup] }] },
    }))
      chunks.push(chunk);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.functionCalls?.map((call) => call.name)).toEqual(['lookup', 'lookup']);
    expect(chunks[0]?.candidates?.[0]?.finishReason).toBe('STOP');
    expect(chunks[0]?.usageMetadata?.promptTokenCount).toBeGreaterThan(0);
  });

  it('replays the documented function call byte for byte when tools are offered', async () => {
    const fixture = await readFile(
      new URL('../../scripts/fake-upstreams/documented/gemini-tools.sse', import.meta.url),
    );
    const response = await post(
      { contents: [user('Hi [[fake documented=1]]')], tools: [{ functionDeclarations: [lookup] }] },
      'streamGenerateContent',
    );
    expect(Buffer.from(await response.arrayBuffer()).equals(fixture)).toBe(true);
  });
});

describe('tool-reply', () => {
  it('fills required properties only, nested objects by the same rule', () => {
    expect(
      argumentsFor({
        type: 'object',
        properties: {
          name: { type: 'string' },
          count: { type: 'integer' },
          ratio: { type: 'number' },
          ok: { type: 'boolean' },
          size: { type: 'string', enum: ['small', 'large'] },
          tags: { type: 'array', items: { type: 'string' } },
          where: {
            type: 'object',
            properties: { city: { type: 'string' }, zip: { type: 'string' } },
            required: ['city'],
          },
          note: { type: 'string' },
        },
        required: ['name', 'count', 'ratio', 'ok', 'size', 'tags', 'where'],
      }),
    ).toEqual({
      name: 'fake-name',
      count: 1,
      ratio: 1,
      ok: true,
      size: 'small',
      tags: [],
      where: { city: 'fake-city' },
    });
    expect(argumentsFor(undefined)).toEqual({});
  });

  it('acknowledges results in order', () => {
    expect(toolResultText(['{"a":1}', '"x"'])).toBe('The tool said: {"a":1} | "x"');
  });
});
