// Images in user turns through the Anthropic adapter: the real @anthropic-ai/sdk inside workerd
// against the fake Anthropic upstream, which checks image blocks as the Messages API does (media
// type, base64, the bytes' own format, https URLs) and answers with what it sees: each image's
// media type and decoded size, or its URL (scripts/fake-upstreams/anthropic-images.ts). What the
// SDK sent is read from its fetch, as the vendor would receive it. Last, the same through
// Parley's /v1/messages with the SDK as a client.
import { exports } from 'cloudflare:workers';
import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { IMAGE_TOKENS } from '../../scripts/fake-upstreams/image-reply.ts';
import {
  adapters,
  type ChatMessage,
  type ChatRequest,
  type ImageMediaType,
  type ImageSource,
  type ProviderEvent,
  type UserPart,
} from '../../worker/providers/index.ts';
import { BASE, userWithKey } from './helpers.ts';

const upstream = inject('fakeUpstreamUrl');
const config = { apiKey: 'sk-test-0123456789abcdef', baseURL: `${upstream}/anthropic` };

/** A real 1×1 PNG (70 bytes) and a real 1×1 GIF (42 bytes). */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const GIF = 'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';
const CAT = 'https://images.example/cat.jpg';

const png: UserPart = { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: PNG } };
const gif: UserPart = { type: 'image', source: { kind: 'base64', mediaType: 'image/gif', data: GIF } };
const cat: UserPart = { type: 'image', source: { kind: 'url', url: CAT } };
const text = (t: string): UserPart => ({ type: 'text', text: t });
const PACE = ' [[fake ttft=0 tps=0]]';

afterEach(() => vi.restoreAllMocks());

/** A user turn of `parts` (the pacing directive added to its last text), as Parley's APIs make one. */
function turn(...parts: UserPart[]): ChatMessage {
  const paced = parts.map((part, i) =>
    part.type === 'text' && i === parts.findLastIndex((p) => p.type === 'text') ? text(part.text + PACE) : part,
  );
  const content = paced.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n');
  return { role: 'user', content, parts: paced };
}

/** One reply's events, and the JSON body of each request the SDK sent. */
async function run(messages: ChatMessage[], extra: Partial<ChatRequest> = {}) {
  const spy = vi.spyOn(globalThis, 'fetch');
  const events: ProviderEvent[] = [];
  const stream = adapters.anthropic.stream(
    { model: 'claude-sonnet-5-5', maxOutputTokens: 256, signal: new AbortController().signal, messages, ...extra },
    config,
  );
  for await (const event of stream) events.push(event);
  const sent = spy.mock.calls.map(([, init]) => JSON.parse(String(init?.body)) as { messages: unknown[] });
  return { events, sent };
}

const textOf = (events: ProviderEvent[]) => events.flatMap((e) => (e.type === 'text' ? [e.text] : [])).join('');
const inputTokens = (events: ProviderEvent[]) => events.findLast((e) => e.type === 'usage')?.inputTokens;

describe('anthropic images', () => {
  it('sends a base64 PNG as an image block whose bytes arrive intact: the model sees image/png, 70 bytes', async () => {
    const { events, sent } = await run([turn(text('What is this?'), png)]);
    expect(sent[0]?.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: `What is this?${PACE}` },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
        ],
      },
    ]);
    expect(textOf(events)).toBe('I see 1 image: image/png (70 bytes)');
    expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'end_turn' });
  });

  it('passes an https image on as a url source for Anthropic to fetch, and the model names the URL', async () => {
    const { events, sent } = await run([turn(cat, text('Describe it'))]);
    expect(sent[0]?.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'image', source: { type: 'url', url: CAT } },
          { type: 'text', text: `Describe it${PACE}` },
        ],
      },
    ]);
    expect(textOf(events)).toBe(`I see 1 image: ${CAT}`);
  });

  it('keeps two images in order with the text between them', async () => {
    const { events, sent } = await run([turn(text('First'), png, text('then'), gif, text('compare them'))]);
    expect(sent[0]?.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'First' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
          { type: 'text', text: 'then' },
          { type: 'image', source: { type: 'base64', media_type: 'image/gif', data: GIF } },
          { type: 'text', text: `compare them${PACE}` },
        ],
      },
    ]);
    expect(textOf(events)).toBe('I see 2 images: image/png (70 bytes), image/gif (42 bytes)');
  });

  it('sends an image alone without an empty text block, which Anthropic refuses', async () => {
    const { events, sent } = await run([{ role: 'user', content: '', parts: [text(''), png] }]);
    expect(sent[0]?.messages).toEqual([
      { role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }] },
    ]);
    expect(textOf(events)).toBe('I see 1 image: image/png (70 bytes)');
  });

  it('reports input tokens that count 1,600 for each image on top of the text', async () => {
    const plain = await run([{ role: 'user', content: `Compare these${PACE}` }]);
    const two = await run([turn(text('Compare these'), png, cat)]);
    expect(IMAGE_TOKENS.anthropic).toBe(1_600);
    expect(inputTokens(two.events)).toBe(inputTokens(plain.events)! + 2 * 1_600);
  });

  it('sends images of earlier turns too, while the model answers about the last turn only', async () => {
    const { events, sent } = await run([
      turn(text('Look'), png),
      { role: 'assistant', content: 'A pixel.' },
      turn(text('And this one?'), gif),
    ]);
    expect(sent[0]?.messages).toHaveLength(3);
    expect(sent[0]?.messages[0]).toMatchObject({ content: [{ type: 'text' }, { type: 'image' }] });
    expect(textOf(events)).toBe('I see 1 image: image/gif (42 bytes)');
  });

  it('puts an image turn after tool results into the results message, after them', async () => {
    const { events, sent } = await run(
      [
        { role: 'user', content: 'Find a picture of a cat' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'toolu_01A', name: 'find_image', arguments: '{}' }] },
        { role: 'tool', toolCallId: 'toolu_01A', content: 'found one' },
        turn(text('Here it is'), cat),
      ],
      { tools: { definitions: [{ name: 'find_image', parameters: { type: 'object', properties: {} } }] } },
    );
    expect(sent[0]?.messages.at(-1)).toEqual({
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_01A', content: 'found one' },
        { type: 'text', text: `Here it is${PACE}` },
        { type: 'image', source: { type: 'url', url: CAT } },
      ],
    });
    expect(events.at(-1)).toMatchObject({ type: 'done' });
  });
});

describe('anthropic image mistakes, refused as Anthropic refuses them', () => {
  /** A source Parley's own checks would never let through, as a mapping mistake would produce it. */
  const wrong = (source: { kind: 'base64'; mediaType: string; data: string } | { kind: 'url'; url: string }) =>
    turn(text('What is this?'), { type: 'image', source: source as ImageSource });

  it.each([
    [
      'a media type not among the four',
      { kind: 'base64', mediaType: 'image/bmp' as ImageMediaType, data: PNG },
      "messages.0.content.1.image.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'",
    ],
    [
      'a PNG labelled as a JPEG',
      { kind: 'base64', mediaType: 'image/jpeg', data: PNG },
      'messages.0.content.1.image.source.base64.data: Image does not match the provided media type image/jpeg',
    ],
    [
      'data that is not base64',
      { kind: 'base64', mediaType: 'image/png', data: 'not base64!' },
      'messages.0.content.1.image.source.base64: invalid base64 data',
    ],
    [
      'a data URL where the bare base64 belongs',
      { kind: 'base64', mediaType: 'image/png', data: `data:image/png;base64,${PNG}` },
      'messages.0.content.1.image.source.base64: invalid base64 data',
    ],
    [
      'an http URL',
      { kind: 'url', url: 'http://images.example/cat.jpg' },
      'messages.0.content.1.image.source.url: Only HTTPS URLs are supported.',
    ],
  ] as const)('reports the 400 for %s as one bad_request error', async (_, source, wording) => {
    const { events, sent } = await run([wrong(source)]);
    expect(sent).toHaveLength(1);
    expect(events).toEqual([
      {
        type: 'error',
        code: 'bad_request',
        retryable: false,
        status: 400,
        message: `Anthropic 400 invalid_request_error: ${wording}`,
      },
    ]);
  });
});

describe('images through /v1/messages to a Claude model', () => {
  const client = (apiKey: string) =>
    new Anthropic({
      apiKey,
      baseURL: BASE,
      maxRetries: 0,
      fetch: ((input: RequestInfo | URL, init?: RequestInit) =>
        exports.default.fetch(new Request(input, init))) as typeof fetch,
    });

  it('reaches the model as sent, streamed and not, with 1,600 input tokens an image', async () => {
    const { key } = await userWithKey();
    const anthropic = client(key);
    const params = {
      model: 'anthropic/claude-haiku-4-5',
      max_tokens: 100,
      messages: [
        {
          role: 'user' as const,
          content: [
            { type: 'text' as const, text: `Compare${PACE}` },
            {
              type: 'image' as const,
              source: { type: 'base64' as const, media_type: 'image/png' as const, data: PNG },
            },
            { type: 'image' as const, source: { type: 'url' as const, url: CAT } },
          ],
        },
      ],
    };
    const seen = `I see 2 images: image/png (70 bytes), ${CAT}`;
    const message = await anthropic.messages.create(params);
    expect(message.content).toEqual([{ type: 'text', text: seen }]);
    expect(message.usage.input_tokens).toBeGreaterThanOrEqual(2 * 1_600);
    expect(message.usage.input_tokens).toBeLessThan(2 * 1_600 + 20);

    const final = await anthropic.messages.stream(params).finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: seen }]);
    expect(final.usage.input_tokens).toBe(message.usage.input_tokens);
  });
});
