// Images on OpenAI's Chat Completions, for the fake (openai.ts frames the bytes): `image_url` parts
// checked as the API checks them, in the words of the errors it sends where they are known, and
// what the fake model sees in them (image-reply.ts names it the same way for every vendor).
import { base64Bytes, type SeenImage } from './image-reply.ts';

export interface ImagesReading {
  /** The images of the last user message, in order: what the fake model answers about. */
  lastUser: SeenImage[];
  /** How many images the whole request carries: each costs prompt tokens. */
  count: number;
}

type Message = { role?: unknown; content?: unknown };

/** The formats the vision guide lists; the API reads the bytes, so a data URL must hold one of them. */
const SIGNATURES: [format: string, matches: (bytes: Buffer) => boolean][] = [
  ['png', (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))],
  ['jpeg', (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
  ['gif', (b) => /^GIF8[79]a/.test(b.subarray(0, 6).toString('latin1'))],
  ['webp', (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP'],
];
const MEDIA_TYPES = new Set(SIGNATURES.map(([format]) => `image/${format}`));

// OpenAI's own wording (its replies as users have quoted them), bar the two cases marked below.
const UNSUPPORTED =
  "You uploaded an unsupported image. Please make sure your image has of one the following formats: ['png', 'jpeg', 'gif', 'webp'].";
const NOT_AN_IMAGE_TYPE = 'Invalid MIME type. Only image types are supported.';
const expected = (param: string, got: string) =>
  `Invalid image URL: '${param}'. Expected a base64-encoded data URL with an image MIME type (e.g. 'data:image/png;base64,aW1nIGJ5dGVzIGhlcmU='), but got ${got}.`;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Checks every message's image parts; a string is the message of the API's 400. */
export function readImages(messages: Message[]): ImagesReading | string {
  let count = 0;
  let lastUser: SeenImage[] = [];
  for (const [i, message] of messages.entries()) {
    const parts = Array.isArray(message.content) ? (message.content as unknown[]) : [];
    const seen: SeenImage[] = [];
    for (const [j, part] of parts.entries()) {
      if (!isObject(part) || part.type !== 'image_url') continue;
      if (message.role !== 'user')
        return `Invalid 'messages[${i}]'. Image URLs are only allowed for messages with role 'user', but this message with role '${String(message.role)}' contains an image URL.`;
      const image = readImage(part.image_url, `messages[${i}].content[${j}].image_url`);
      if (typeof image === 'string') return image;
      seen.push(image);
    }
    count += seen.length;
    if (message.role === 'user') lastUser = seen;
  }
  return { lastUser, count };
}

/** One `image_url` object: an http(s) URL the API would fetch, or a data URL of an image's bytes. */
function readImage(imageUrl: unknown, at: string): SeenImage | string {
  if (imageUrl == null) return `Missing required parameter: '${at}'.`;
  if (!isObject(imageUrl)) return `Invalid type for '${at}': expected an object, but got ${typeof imageUrl} instead.`;
  const { url } = imageUrl;
  if (url == null) return `Missing required parameter: '${at}.url'.`;
  if (typeof url !== 'string') return `Invalid type for '${at}.url': expected a string, but got ${typeof url} instead.`;
  if (/^https?:\/\//i.test(url)) return { url };
  if (!url.startsWith('data:')) return expected(`${at}.url`, "a value without the 'data:' prefix");
  return readDataUrl(url, `${at}.url`);
}

function readDataUrl(url: string, at: string): SeenImage | string {
  const match = /^data:([^,;]*)((?:;[^,;]*)*),(.*)$/s.exec(url);
  // The fake's own words: how the API puts these two is not on record.
  if (!match) return expected(at, 'a data URL without a comma before its data');
  const [, type = '', params = '', data = ''] = match;
  if (!params.split(';').includes('base64')) return expected(at, 'a data URL that is not base64-encoded');
  const mediaType = type.toLowerCase();
  if (!mediaType.startsWith('image/')) return NOT_AN_IMAGE_TYPE;
  if (data === '') return expected(at, 'empty base64-encoded bytes');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(data) || data.length % 4 !== 0) return UNSUPPORTED;
  const bytes = Buffer.from(data, 'base64');
  if (!MEDIA_TYPES.has(mediaType) || !SIGNATURES.some(([, matches]) => matches(bytes))) return UNSUPPORTED;
  return { mediaType, bytes: base64Bytes(data) };
}
