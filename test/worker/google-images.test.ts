// The Gemini adapter's images, through @google/genai inside workerd against the fake Gemini
// (scripts/fake-upstreams/gemini-images.ts), which reads inline images and checks them as Gemini
// does. Images given by URL are fetched by the adapter (worker/providers/fetch-image.ts): the
// tests answer those URLs through a spy on fetch and let every other request through.
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { adapters, type ChatRequest, type ProviderEvent, type UserPart } from '../../worker/providers/index.ts';
import type { LoggedRequest } from '../../scripts/fake-upstreams/request-log.ts';
import { MAX_IMAGE_BYTES } from '../../worker/chat/images.ts';

const upstream = inject('fakeUpstreamUrl');
const config = { apiKey: 'gm-test-0123456789abcdef', baseURL: `${upstream}/gemini` };

afterEach(() => vi.restoreAllMocks());

/** A real 1×1 PNG, 68 bytes. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
const PNG_BYTES = Uint8Array.from(atob(PNG), (c) => c.charCodeAt(0));
const png: UserPart = { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: PNG } };
const byUrl = (url: string): UserPart => ({ type: 'image', source: { kind: 'url', url } });

type Answer = Response | ((signal: AbortSignal | undefined) => Promise<Response>);

/**
 * Answers the given https URLs as an image host would and passes everything else (the fake
 * Gemini) through; the spy records every fetch, so a test can read what Gemini was sent.
 */
function serveImages(answers: Record<string, () => Answer>) {
  const realFetch = globalThis.fetch;
  return vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const answer = answers[url]?.();
    if (answer === undefined) return realFetch(input, init);
    return typeof answer === 'function' ? answer(init?.signal ?? undefined) : Promise.resolve(answer);
  });
}

const image = (bytes: Uint8Array | ReadableStream, type = 'image/png', headers: Record<string, string> = {}) =>
  new Response(bytes, { headers: { 'content-type': type, ...headers } });

/** One reply to a user turn of `parts`, the directives (and the log key) in a text part of their own at the end. */
async function run(parts: UserPart[], options: { signal?: AbortSignal; directives?: string } = {}) {
  const key = `gemini-images-${crypto.randomUUID()}`;
  const directives: UserPart = { type: 'text', text: `[[fake ttft=0 tps=0 key=${key} ${options.directives ?? ''}]]` };
  const all = [...parts, directives];
  const request: ChatRequest = {
    model: 'gemini-2.5-flash',
    messages: [
      {
        role: 'user',
        content: all.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n'),
        ...(all.some((p) => p.type === 'image') ? { parts: all } : {}),
      },
    ],
    maxOutputTokens: 256,
    signal: options.signal ?? new AbortController().signal,
  };
  const events: ProviderEvent[] = [];
  for await (const event of adapters.google.stream(request, config)) events.push(event);
  return { events, key };
}

async function logged(key: string): Promise<LoggedRequest[]> {
  const res = await fetch(`${upstream}/__control/requests?key=${encodeURIComponent(key)}`);
  return res.json<LoggedRequest[]>();
}

const textOf = (events: ProviderEvent[]) => events.flatMap((e) => (e.type === 'text' ? [e.text] : [])).join('');
const usageOf = (events: ProviderEvent[]) => events.findLast((e) => e.type === 'usage');

/** The parts of the user turn Gemini was sent, read from the SDK's request. */
function sentParts(spy: ReturnType<typeof serveImages>): unknown[] {
  const call = spy.mock.calls.find(([input]) => String(input).includes(':streamGenerateContent'));
  const body = JSON.parse(String(call?.[1]?.body)) as { contents: { parts: unknown[] }[] };
  return body.contents[0]!.parts;
}

describe('google adapter images', () => {
  it('sends a base64 PNG as inline data, intact: the reply names image/png and its 68 bytes', async () => {
    const spy = serveImages({});
    const { events, key } = await run([{ type: 'text', text: 'What is this?' }, png]);
    expect(textOf(events)).toBe('I see 1 image: image/png (68 bytes)');
    expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'end_turn' });
    expect(sentParts(spy).slice(0, 2)).toEqual([
      { text: 'What is this?' },
      { inlineData: { mimeType: 'image/png', data: PNG } },
    ]);
    expect((await logged(key))[0]?.status).toBe('completed');
  });

  it('fetches an https image URL itself and sends the bytes inline, not the URL', async () => {
    const url = 'https://images.example/cat.png';
    const spy = serveImages({ [url]: () => image(PNG_BYTES) });
    const { events } = await run([{ type: 'text', text: 'And this?' }, byUrl(url)]);
    expect(textOf(events)).toBe('I see 1 image: image/png (68 bytes)');
    expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'end_turn' });
    // The image first, then Gemini, with the image's bytes in base64 where the URL was.
    expect(spy.mock.calls.map(([input]) => String(input).split('?')[0])).toEqual([
      url,
      `${upstream}/gemini/v1beta/models/gemini-2.5-flash:streamGenerateContent`,
    ]);
    expect(sentParts(spy)[1]).toEqual({ inlineData: { mimeType: 'image/png', data: PNG } });
  });

  it('sends two images and the text around them in order, each image named in the reply', async () => {
    const url = 'https://images.example/photo.webp';
    const webp = new Uint8Array(1234).fill(7);
    const spy = serveImages({ [url]: () => image(webp, 'image/webp; charset=binary') });
    const { events } = await run([{ type: 'text', text: 'Compare' }, png, { type: 'text', text: 'with' }, byUrl(url)]);
    expect(textOf(events)).toBe('I see 2 images: image/png (68 bytes), image/webp (1234 bytes)');
    const parts = sentParts(spy);
    expect(parts.slice(0, 4)).toEqual([
      { text: 'Compare' },
      { inlineData: { mimeType: 'image/png', data: PNG } },
      { text: 'with' },
      { inlineData: { mimeType: 'image/webp', data: expect.any(String) } },
    ]);
    const sent = (parts[3] as { inlineData: { data: string } }).inlineData.data;
    expect(Uint8Array.from(atob(sent), (c) => c.charCodeAt(0))).toEqual(webp);
  });

  it('counts 258 prompt tokens an image on top of the text, as Gemini reports them', async () => {
    // The same text either way: Gemini reads a turn's text parts joined as they are, so the
    // newline the text-only turn puts before its directives is written out here.
    const plain = await run([{ type: 'text', text: 'Two of the same.' }], { directives: 'tokens=3' });
    const twice = await run([{ type: 'text', text: 'Two of the same.\n' }, png, png], { directives: 'tokens=3' });
    const [textOnly] = await logged(plain.key);
    const [withImages] = await logged(twice.key);
    expect(withImages!.inputTokens).toBe(textOnly!.inputTokens + 2 * 258);
    expect(usageOf(plain.events)).toMatchObject({ inputTokens: textOnly!.inputTokens });
    expect(usageOf(twice.events)).toMatchObject({ inputTokens: withImages!.inputTokens });
  });
});

describe('google adapter image URLs it refuses', () => {
  const url = 'https://images.example/not-an-image';

  it.each<[string, () => Answer, string]>([
    [
      'cannot be reached',
      () => () => Promise.reject(new TypeError('Network connection lost.')),
      'could not be fetched (Network connection lost.)',
    ],
    ['answers 404', () => new Response('Not Found', { status: 404 }), 'could not be fetched: the server answered 404'],
    [
      'is a web page',
      () => new Response('<!doctype html><p>cat</p>', { headers: { 'content-type': 'text/html; charset=utf-8' } }),
      'is of type text/html, not an image Parley takes',
    ],
    [
      'says it is larger than the limit',
      () => image(PNG_BYTES, 'image/png', { 'content-length': String(MAX_IMAGE_BYTES + 1) }),
      'is larger than 3.75 MB',
    ],
    ['is larger than the limit', () => image(new Uint8Array(MAX_IMAGE_BYTES + 1)), 'is larger than 3.75 MB'],
  ])('refuses an image URL that %s with bad_request naming it, without asking Gemini', async (_, answer, why) => {
    serveImages({ [url]: answer });
    const { events, key } = await run([{ type: 'text', text: 'Look' }, byUrl(url)]);
    expect(events).toEqual([{ type: 'error', code: 'bad_request', retryable: false, message: expect.any(String) }]);
    expect((events[0] as { message: string }).message).toContain(`The image at ${url} ${why}`);
    expect(await logged(key)).toEqual([]);
  });

  it('names a signed URL without its query, which holds the signature', async () => {
    const signed = 'https://bucket.example/cat.png?X-Amz-Signature=s3cr3t&X-Amz-Expires=60';
    serveImages({ [signed]: () => new Response('Forbidden', { status: 403 }) });
    const { events } = await run([byUrl(signed)]);
    expect(events).toEqual([
      {
        type: 'error',
        code: 'bad_request',
        retryable: false,
        message: 'The image at https://bucket.example/cat.png?… could not be fetched: the server answered 403.',
      },
    ]);
  });

  it('stops reading an endless image past the limit', async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(1024 * 1024));
      },
    });
    serveImages({ [url]: () => image(endless) });
    const { events } = await run([byUrl(url)]);
    expect(events).toEqual([expect.objectContaining({ type: 'error', code: 'bad_request' })]);
    expect(pulled).toBeLessThanOrEqual(8);
  });

  it('ends quietly when stopped while the image is being fetched, without asking Gemini', async () => {
    const stop = new AbortController();
    serveImages({
      [url]: () => (signal) =>
        new Promise<Response>((_, reject) => {
          signal?.addEventListener('abort', () => reject(signal.reason));
          stop.abort();
        }),
    });
    const { events, key } = await run([byUrl(url)], { signal: stop.signal });
    expect(events).toEqual([]);
    expect(await logged(key)).toEqual([]);
  });
});

describe('google adapter image mapping mistakes the fake catches', () => {
  it('reports a GIF, a type Gemini does not list, as Gemini refuses it: bad_request 400', async () => {
    const gif = 'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';
    const { events } = await run([{ type: 'image', source: { kind: 'base64', mediaType: 'image/gif', data: gif } }]);
    expect(events).toEqual([
      expect.objectContaining({ type: 'error', code: 'bad_request', retryable: false, status: 400 }),
    ]);
    expect(events[0]).toMatchObject({ message: 'Gemini 400 INVALID_ARGUMENT: Unsupported MIME type: image/gif' });
  });

  it('reports bytes that are not base64 (a data URL passed whole) as Gemini refuses them: bad_request 400', async () => {
    const { events } = await run([
      { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: `data:image/png;base64,${PNG}` } },
    ]);
    expect(events).toEqual([
      expect.objectContaining({ type: 'error', code: 'bad_request', retryable: false, status: 400 }),
    ]);
    expect(events[0]).toMatchObject({
      message: expect.stringMatching(
        /^Gemini 400 INVALID_ARGUMENT: Invalid value at 'contents\[0\]\.parts\[0\]\.inline_data\.data' \(TYPE_BYTES\), Base64 decoding failed/,
      ),
    });
  });
});
