// The fake Anthropic upstream's images, read by @anthropic-ai/sdk itself rather than by Parley's
// adapter: image blocks accepted as the Messages API accepts them, refused with its 400s where it
// refuses them (assistant turns among them, which Parley's adapter never sends), and the reply and
// input tokens of a model shown images.
import Anthropic from '@anthropic-ai/sdk';
import type { ContentBlockParam, MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstreams } from '../../scripts/fake-upstreams.ts';
import { startFakeUpstreams } from '../../scripts/fake-upstreams.ts';
import { IMAGE_TOKENS } from '../../scripts/fake-upstreams/image-reply.ts';

let fakes: FakeUpstreams;
let anthropic: Anthropic;

beforeAll(async () => {
  fakes = await startFakeUpstreams({ port: 0 });
  anthropic = new Anthropic({ apiKey: 'test-key', baseURL: `${fakes.url}/anthropic`, maxRetries: 0 });
});

afterAll(() => fakes?.close());

/** A real 1×1 PNG (70 bytes). */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
/** A PNG of 3,932,163 bytes: 5,242,884 in base64, just over Anthropic's limit (which 3.75 MB of bytes would meet). */
const BIG_PNG = Buffer.concat([Buffer.from(PNG, 'base64'), Buffer.alloc(3_932_163 - 70)]).toString('base64');
/** The first bytes of a JPEG and of a WebP, which is all the fake reads of an image's format. */
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]).toString('base64');
const WEBP = Buffer.from('RIFF\x24\0\0\0WEBPVP8 ', 'latin1').toString('base64');

const image = (media_type: string, data: string) =>
  ({ type: 'image', source: { type: 'base64', media_type, data } }) as ContentBlockParam;
const url = (address: string) => ({ type: 'image', source: { type: 'url', url: address } }) as ContentBlockParam;
const text = (t: string): ContentBlockParam => ({ type: 'text', text: `${t} [[fake ttft=0 tps=0]]` });
const params = (messages: MessageParam[]) => ({ model: 'claude-test', max_tokens: 256, messages });
const asking = (...content: ContentBlockParam[]) => params([{ role: 'user', content }]);

/** The API's error for a request, as the SDK raises it: its status, and the body's error type and message. */
async function refusal(messages: MessageParam[]) {
  const error = await anthropic.messages.create(params(messages)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Anthropic.BadRequestError);
  const { status, error: body } = error as InstanceType<typeof Anthropic.BadRequestError>;
  return { status, ...(body as { error: { type: string; message: string } }).error };
}

describe('fake Anthropic images', () => {
  it('answers with what it sees, each image by media type and size or URL, and streams the same', async () => {
    const request = asking(
      text('Compare'),
      image('image/png', PNG),
      url('https://x.example/a.png'),
      image('image/jpeg', JPEG),
    );
    const seen = 'I see 3 images: image/png (70 bytes), https://x.example/a.png, image/jpeg (8 bytes)';
    const message = await anthropic.messages.create(request);
    expect(message.content).toEqual([{ type: 'text', text: seen }]);
    expect(message.stop_reason).toBe('end_turn');
    const final = await anthropic.messages.stream(request).finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: seen }]);
  });

  it('counts IMAGE_TOKENS.anthropic input tokens an image on top of the text, streamed and not', async () => {
    const plain = await anthropic.messages.create(asking(text('Two pictures')));
    const request = asking(text('Two pictures'), image('image/webp', WEBP), url('https://x.example/b.gif'));
    const message = await anthropic.messages.create(request);
    expect(message.usage.input_tokens).toBe(plain.usage.input_tokens + 2 * IMAGE_TOKENS.anthropic);
    const final = await anthropic.messages.stream(request).finalMessage();
    expect(final.usage.input_tokens).toBe(message.usage.input_tokens);
  });

  it('answers the demo text when the last user turn has no image, though an earlier one had', async () => {
    const message = await anthropic.messages.create(
      params([
        { role: 'user', content: [text('Look'), image('image/png', PNG)] },
        { role: 'assistant', content: 'A pixel.' },
        { role: 'user', content: 'Thanks [[fake ttft=0 tps=0 tokens=3]]' },
      ]),
    );
    expect(message.content).toEqual([{ type: 'text', text: expect.stringMatching(/^\(Offline demo/) }]);
  });

  it.each<[string, ContentBlockParam, string]>([
    [
      'a media type not among the four',
      image('image/bmp', PNG),
      "messages.0.content.1.image.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'",
    ],
    ['empty data', image('image/png', ''), 'messages.0.content.1.image.source.base64: image cannot be empty'],
    [
      'data that is not base64',
      image('image/png', 'iVBOR%%'),
      'messages.0.content.1.image.source.base64: invalid base64 data',
    ],
    [
      'bytes in another format than the media type says',
      image('image/gif', PNG),
      'messages.0.content.1.image.source.base64.data: Image does not match the provided media type image/gif',
    ],
    ['bytes that are no image at all', image('image/png', 'aGVsbG8gd29ybGQh'), 'Could not process image'],
    [
      'more than 5 MB of base64',
      image('image/png', BIG_PNG),
      'messages.0.content.1.image.source.base64: image exceeds 5 MB maximum: 5242884 bytes > 5242880 bytes',
    ],
    [
      'a URL that is not https',
      url('http://x.example/a.png'),
      'messages.0.content.1.image.source.url: Only HTTPS URLs are supported.',
    ],
  ])('refuses %s with the API 400', async (_, block, wording) => {
    expect(await refusal([{ role: 'user', content: [text('What is this?'), block] }])).toMatchObject({
      status: 400,
      type: 'invalid_request_error',
      message: wording,
    });
  });

  it('refuses an image in an assistant turn', async () => {
    const messages: MessageParam[] = [
      { role: 'user', content: 'Draw a cat' },
      { role: 'assistant', content: [{ type: 'text', text: 'Here:' }, image('image/png', PNG)] },
      { role: 'user', content: 'Thanks' },
    ];
    expect(await refusal(messages)).toMatchObject({
      status: 400,
      message: "messages.1.content: 'image' blocks are not permitted within assistant turns",
    });
  });
});
