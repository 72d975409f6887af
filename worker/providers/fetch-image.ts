// An image given by URL, fetched by Parley for a vendor that takes only the bytes (Gemini). The
// limits are the ones Parley checks of bytes it is given (worker/chat/images.ts), so an image is
// refused the same way whether it came inline or by URL.
import { MAX_IMAGE_BYTES } from '../chat/images.ts';
import { currentFetch } from './clients.ts';
import { IMAGE_MEDIA_TYPES, type ImageMediaType } from './types.ts';

/** An image URL that did not give an image Parley can send on; its message names the URL and what to do. */
export class ImageFetchFailed extends Error {}

export type FetchedImage = { mediaType: ImageMediaType; data: string };

const MAX_MB = (MAX_IMAGE_BYTES / 1024 / 1024).toFixed(2);

/**
 * The image at an https URL, as its media type and base64 bytes. Refuses an answer that is not a
 * 2xx, not one of the image types, or larger than MAX_IMAGE_BYTES (reading stops there). An abort of
 * `signal` propagates as the fetch's own error.
 */
export async function fetchImage(url: string, signal: AbortSignal): Promise<FetchedImage> {
  try {
    return await fetchOnce(url, signal);
  } catch (error) {
    if (error instanceof ImageFetchFailed || signal.aborted) throw error;
    // The host was not reached, or the connection dropped mid-image: not Gemini's failure.
    throw failure(url, `could not be fetched (${error instanceof Error ? error.message : String(error)}).`);
  }
}

const failure = (url: string, why: string) => new ImageFetchFailed(`The image at ${shown(url)} ${why}`);

async function fetchOnce(url: string, signal: AbortSignal): Promise<FetchedImage> {
  const response = await currentFetch(url, { signal, headers: { accept: IMAGE_MEDIA_TYPES.join(', ') } });
  const refuse = async (why: string) => {
    await response.body?.cancel().catch(() => {});
    return failure(url, why);
  };
  if (!response.ok) throw await refuse(`could not be fetched: the server answered ${response.status}.`);
  const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (!(IMAGE_MEDIA_TYPES as readonly string[]).includes(type)) {
    throw await refuse(
      `is ${type ? `of type ${type}` : 'of no stated type'}, not an image Parley takes (${IMAGE_MEDIA_TYPES.join(', ')}).`,
    );
  }
  const tooLarge = `is larger than ${MAX_MB} MB, the most an image may be: send a smaller one.`;
  if (Number(response.headers.get('content-length') ?? 0) > MAX_IMAGE_BYTES) throw await refuse(tooLarge);
  const bytes = await readAtMost(response, MAX_IMAGE_BYTES);
  if (!bytes) throw failure(url, tooLarge);
  return { mediaType: type as ImageMediaType, data: toBase64(bytes) };
}

/** The URL without its query, which in a signed URL is a credential: messages end up in logs. */
function shown(url: string): string {
  const { origin, pathname, search } = new URL(url);
  return `${origin}${pathname}${search ? '?…' : ''}`;
}

/** The body, or undefined once it passes `limit` bytes (the rest is not read). */
async function readAtMost(response: Response, limit: number): Promise<Uint8Array | undefined> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > limit) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

// A multiple of 3 bytes, so each slice encodes without padding and the pieces join into one string.
const SLICE = 3 * 0x2000;

function toBase64(bytes: Uint8Array): string {
  let out = '';
  for (let start = 0; start < bytes.length; start += SLICE) {
    out += btoa(String.fromCharCode(...bytes.subarray(start, start + SLICE)));
  }
  return out;
}
