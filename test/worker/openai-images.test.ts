// Images in user turns through the OpenAI adapter: the real `openai` SDK inside workerd against the
// fake's Chat Completions (OpenAI's own route and the compatible one), which checks `image_url`
// parts as the API does and answers by naming the images it was given.
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import {
  adapters,
  type ChatMessage,
  type ProviderAdapter,
  type ProviderEvent,
  type UserPart,
} from '../../worker/providers/index.ts';
import { IMAGE_TOKENS } from '../../scripts/fake-upstreams/image-reply.ts';
import { estimateTokens } from '../../scripts/fake-upstreams/reply.ts';
import type { LoggedRequest } from '../../scripts/fake-upstreams/request-log.ts';

const upstream = inject('fakeUpstreamUrl');
const API_KEY = 'sk-test-0123456789abcdef';
const SYSTEM = 'You are terse.';

/** A real 1×1 RGBA PNG, 70 bytes. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP438DwHwAGgAJ/EEwb4QAAAABJRU5ErkJggg==';
const CAT = 'https://example.com/images/cat.png';

afterEach(() => vi.restoreAllMocks());

const textOf = (events: ProviderEvent[]) => events.flatMap((e) => (e.type === 'text' ? [e.text] : [])).join('');
const usageOf = (events: ProviderEvent[]) => events.findLast((e) => e.type === 'usage');
const png = (data = PNG): UserPart => ({ type: 'image', source: { kind: 'base64', mediaType: 'image/png', data } });
const url = (href: string): UserPart => ({ type: 'image', source: { kind: 'url', url: href } });

async function logged(key: string): Promise<LoggedRequest[]> {
  const res = await fetch(`${upstream}/__control/requests?key=${encodeURIComponent(key)}`);
  return res.json<LoggedRequest[]>();
}

describe.each([
  { adapter: adapters.openai, path: '/openai/v1', model: 'gpt-5-mini', vendor: 'openai' as const },
  {
    adapter: adapters['openai-compat'],
    path: '/compat/v1',
    model: 'llama-3.3-70b-instruct',
    vendor: 'compat' as const,
  },
])('$adapter.id adapter with images', ({ adapter, path, model, vendor }) => {
  /**
   * One streamed reply to a user turn of `parts`, after a text part holding the fake's directives
   * (which also tag the log entry). `withImages: false` sends the same turn's text alone.
   */
  async function run(parts: UserPart[], { withImages = true } = {}) {
    const key = `${adapter.id}-images-${crypto.randomUUID()}`;
    const all: UserPart[] = [{ type: 'text', text: `[[fake ttft=0 tps=0 key=${key}]]` }, ...parts];
    const content = all.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n');
    const messages: ChatMessage[] = [withImages ? { role: 'user', content, parts: all } : { role: 'user', content }];
    const events: ProviderEvent[] = [];
    const stream = (adapter as ProviderAdapter).stream(
      { model, system: SYSTEM, messages, maxOutputTokens: 256, signal: new AbortController().signal },
      { apiKey: API_KEY, baseURL: `${upstream}${path}` },
    );
    for await (const event of stream) events.push(event);
    return { events, key, promptText: [SYSTEM, content].join('\n') };
  }

  it('sends a PNG as a data URL whose bytes arrive intact: the model sees image/png of 70 bytes', async () => {
    const { events } = await run([{ type: 'text', text: 'What is this?' }, png()]);
    expect(textOf(events)).toBe('I see 1 image: image/png (70 bytes)');
    expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'end_turn' });
  });

  it('passes an https URL through for the vendor to fetch', async () => {
    const { events } = await run([url(CAT), { type: 'text', text: 'Describe it.' }]);
    expect(textOf(events)).toBe(`I see 1 image: ${CAT}`);
    expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'end_turn' });
  });

  it('keeps text and two images in their order, on the wire and as the model sees them', async () => {
    const spy = vi.spyOn(globalThis, 'fetch');
    const { events } = await run([
      { type: 'text', text: 'Compare this' },
      png(),
      { type: 'text', text: 'with this' },
      url(CAT),
    ]);
    expect(textOf(events)).toBe(`I see 2 images: image/png (70 bytes), ${CAT}`);

    const [, init] = spy.mock.calls[0]!;
    const sent = JSON.parse(String(init?.body)) as { messages: { role: string; content: unknown }[] };
    expect(sent.messages.at(-1)).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: expect.stringMatching(/^\[\[fake /) },
        { type: 'text', text: 'Compare this' },
        { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
        { type: 'text', text: 'with this' },
        { type: 'image_url', image_url: { url: CAT } },
      ],
    });
  });

  it(`counts ${IMAGE_TOKENS.openai} prompt tokens an image on top of the text's`, async () => {
    const parts: UserPart[] = [{ type: 'text', text: 'Compare' }, png(), url(CAT)];
    const withImages = await run(parts);
    const textOnly = await run(parts, { withImages: false });
    const textTokens = estimateTokens(withImages.promptText);
    expect(IMAGE_TOKENS[vendor]).toBe(85);

    expect(usageOf(textOnly.events)).toMatchObject({ inputTokens: textTokens });
    expect(usageOf(withImages.events)).toMatchObject({ inputTokens: textTokens + 2 * 85 });
    const [entry] = await logged(withImages.key);
    expect(entry).toMatchObject({ status: 'completed', inputTokens: textTokens + 2 * 85 });
  });

  it("surfaces the vendor's 400 as bad_request when an image's bytes are not an image (a mapping mistake)", async () => {
    // "hello world", labelled a PNG: what a mix-up of buffers would send.
    const { events } = await run([{ type: 'text', text: 'What is this?' }, png('aGVsbG8gd29ybGQ=')]);
    expect(events).toEqual([
      {
        type: 'error',
        code: 'bad_request',
        retryable: false,
        status: 400,
        message: expect.stringContaining('You uploaded an unsupported image.'),
      },
    ]);
  });
});

// The wire itself, read without the SDK: image parts the fake refuses as the API does.
describe.each(['/openai/v1', '/compat/v1'])('the fake Chat Completions image wire at %s', (path) => {
  const post = (messages: unknown[], extra: object = {}) =>
    fetch(`${upstream}${path}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-5-mini', messages, ...extra }),
    });
  const image = (imageUrl: unknown) => ({ type: 'image_url', image_url: imageUrl });
  const ask = (...parts: unknown[]) => ({
    role: 'user',
    content: [{ type: 'text', text: 'What is this? [[fake ttft=0 tps=0]]' }, ...parts],
  });
  const refusal = async (res: Response) => {
    expect(res.status).toBe(400);
    const body = await res.json<{ error: { message: string; type: string; param: null; code: null } }>();
    expect(body).toEqual({
      error: { message: expect.any(String), type: 'invalid_request_error', param: null, code: null },
    });
    return body.error.message;
  };

  it('answers a non-streamed request about its images, their tokens in prompt_tokens', async () => {
    const messages = [ask(image({ url: `data:image/png;base64,${PNG}`, detail: 'low' }))];
    const res = await post(messages);
    const body = await res.json<{ choices: { message: { content: string } }[]; usage: { prompt_tokens: number } }>();
    expect(body.choices[0]!.message.content).toBe('I see 1 image: image/png (70 bytes)');
    expect(body.usage.prompt_tokens).toBe(estimateTokens('What is this? [[fake ttft=0 tps=0]]') + 85);
  });

  it('names only the images of the last user message, and counts every image', async () => {
    const messages = [
      ask(image({ url: CAT })),
      { role: 'assistant', content: 'A cat.' },
      ask(image({ url: `data:image/png;base64,${PNG}` })),
    ];
    const body = await (await post(messages)).json<{
      choices: { message: { content: string } }[];
      usage: { prompt_tokens: number };
    }>();
    expect(body.choices[0]!.message.content).toBe('I see 1 image: image/png (70 bytes)');
    const text = ['What is this? [[fake ttft=0 tps=0]]', 'A cat.', 'What is this? [[fake ttft=0 tps=0]]'].join('\n');
    expect(body.usage.prompt_tokens).toBe(estimateTokens(text) + 2 * 85);
  });

  it('refuses an image in an assistant message', async () => {
    const res = await post([
      ask(),
      { role: 'assistant', content: [image({ url: CAT })] },
      { role: 'user', content: 'And?' },
    ]);
    expect(await refusal(res)).toBe(
      "Invalid 'messages[1]'. Image URLs are only allowed for messages with role 'user', but this message with role 'assistant' contains an image URL.",
    );
  });

  it('refuses an image_url part without its url', async () => {
    expect(await refusal(await post([ask(image({ detail: 'low' }))]))).toBe(
      "Missing required parameter: 'messages[0].content[1].image_url.url'.",
    );
    expect(await refusal(await post([ask({ type: 'image_url' })]))).toBe(
      "Missing required parameter: 'messages[0].content[1].image_url'.",
    );
  });

  it('refuses bare base64 without the data: prefix, as OpenAI words it', async () => {
    expect(await refusal(await post([ask(image({ url: PNG }))]))).toBe(
      "Invalid image URL: 'messages[0].content[1].image_url.url'. Expected a base64-encoded data URL with an image MIME type (e.g. 'data:image/png;base64,aW1nIGJ5dGVzIGhlcmU='), but got a value without the 'data:' prefix.",
    );
  });

  it('refuses a data URL that is not of an image, is empty, or holds bytes of no image format', async () => {
    const refused = async (url: string) => refusal(await post([ask(image({ url }))]));
    expect(await refused('data:text/plain;base64,aGVsbG8=')).toBe('Invalid MIME type. Only image types are supported.');
    expect(await refused('data:image/png;base64,')).toMatch(/but got empty base64-encoded bytes\.$/);
    expect(await refused('data:image/png;base64,aGVsbG8gd29ybGQ=')).toMatch(/^You uploaded an unsupported image\./);
    expect(await refused('data:image/png;base64,not base64!')).toMatch(/^You uploaded an unsupported image\./);
    expect(await refused(`data:image/bmp;base64,${PNG}`)).toMatch(/^You uploaded an unsupported image\./);
  });
});
