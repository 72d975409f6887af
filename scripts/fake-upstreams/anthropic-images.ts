// Images on the fake Anthropic upstream: the checks the Messages API makes on `image` blocks (in its
// wording), what the model sees of the last user turn's images, and what they cost in input tokens.
// anthropic.ts asks for these while it reads a request.
import { base64Bytes, IMAGE_TOKENS, type SeenImage } from './image-reply.ts';

type Block = { type?: unknown; source?: unknown };
type Source = { type?: unknown; media_type?: unknown; data?: unknown; url?: unknown };
type Message = { role?: unknown; content?: unknown };

const MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];
/** Anthropic's limit is on the base64 text as sent, not on the decoded bytes. */
const MAX_BASE64_BYTES = 5 * 1024 * 1024;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const imageBlocks = (message: Message | undefined): Block[] =>
  Array.isArray(message?.content) ? (message.content as Block[]).filter((b) => isObject(b) && b.type === 'image') : [];

/**
 * Why the API would refuse the request's images; undefined when it would not. The messages for an
 * image in an assistant turn, a media type, empty, invalid, oversized or mislabelled data and bytes
 * that are no image are the API's own 400s (`invalid_request_error`) as its answers show them; a
 * missing field or tag follows its validation wording; the one for a URL that is not https is the
 * fake's own wording (Anthropic fetches only https images).
 */
export function imageProblem(messages: Message[]): string | undefined {
  for (const [i, message] of messages.entries()) {
    if (!Array.isArray(message.content)) continue;
    for (const [j, block] of (message.content as Block[]).entries()) {
      if (!isObject(block) || block.type !== 'image') continue;
      if (message.role === 'assistant')
        return `messages.${i}.content: 'image' blocks are not permitted within assistant turns`;
      const problem = sourceProblem(block.source, `messages.${i}.content.${j}.image.source`);
      if (problem) return problem;
    }
  }
  return undefined;
}

function sourceProblem(source: unknown, at: string): string | undefined {
  if (!isObject(source)) return `${at}: Field required`;
  const { type, media_type, data, url } = source as Source;
  if (type === 'url') {
    if (typeof url !== 'string') return `${at}.url.url: Field required`;
    return url.startsWith('https://') ? undefined : `${at}.url: Only HTTPS URLs are supported.`;
  }
  if (type !== 'base64')
    return `${at}: Input tag '${String(type)}' found using 'type' does not match any of the expected tags: 'base64', 'file', 'url'`;
  if (!MEDIA_TYPES.includes(media_type as string))
    return `${at}.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'`;
  if (typeof data !== 'string') return `${at}.base64.data: Field required`;
  if (data === '') return `${at}.base64: image cannot be empty`;
  if (!BASE64.test(data) || data.length % 4 !== 0) return `${at}.base64: invalid base64 data`;
  if (data.length > MAX_BASE64_BYTES)
    return `${at}.base64: image exceeds 5 MB maximum: ${data.length} bytes > ${MAX_BASE64_BYTES} bytes`;
  const format = formatOf(Buffer.from(data, 'base64'));
  if (!format) return 'Could not process image';
  if (format !== media_type) return `${at}.base64.data: Image does not match the provided media type ${media_type}`;
  return undefined;
}

/** The format the bytes are in, by their signature, as the API tells a PNG labelled JPEG from a JPEG. */
function formatOf(bytes: Buffer): string | undefined {
  const ascii = (start: number, end: number) => bytes.subarray(start, end).toString('latin1');
  if (ascii(0, 8) === '\x89PNG\r\n\x1a\n') return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a') return 'image/gif';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}

/** The images of the last user turn, in order, as the model sees them. */
export function seenImages(messages: Message[]): SeenImage[] {
  const lastUser = messages.findLast((m) => m.role === 'user');
  return imageBlocks(lastUser).map(({ source }) => {
    const { media_type, data, url } = source as Source;
    return typeof url === 'string' ? { url } : { mediaType: String(media_type), bytes: base64Bytes(String(data)) };
  });
}

/**
 * What the request's images add to its prompt text so that the shared estimate (four characters a
 * token) counts IMAGE_TOKENS.anthropic input tokens for each image, exactly: the padding is ASCII
 * and a multiple of four characters long.
 */
export function imageStandIn(messages: Message[]): string {
  const count = messages.reduce((n, m) => n + (m.role === 'user' ? imageBlocks(m).length : 0), 0);
  return ' '.repeat(count * IMAGE_TOKENS.anthropic * 4);
}
