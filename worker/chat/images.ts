// Images in a request's user turns, as the APIs accept them: an https URL (the vendor fetches it,
// or Parley does for a vendor that cannot) or a `data:` URL / base64 bytes with a media type. The
// limits hold for every vendor: a request whose images one vendor would refuse is refused here,
// with the reason, before anything is reserved.
import { AppError } from '../errors.ts';
import { type ModelInfo, modelCannotRead } from '../providers/registry.ts';
import { IMAGE_MEDIA_TYPES, type ChatMessage, type ImageMediaType, type ImageSource } from '../providers/types.ts';

/**
 * The largest image as base64 text (Anthropic's limit, the smallest of the three vendors': it
 * applies to the encoded data, so an image of about 3.75 MB).
 */
export const MAX_IMAGE_BASE64 = 5 * 1024 * 1024;
/** The same limit in bytes, for an image Parley fetches itself. */
export const MAX_IMAGE_BYTES = (MAX_IMAGE_BASE64 / 4) * 3;
/** The most images one request may carry. */
export const MAX_IMAGES = 20;
/** What an image is counted as before the vendor has counted it (Claude's most for one image): the quota reserves this. */
export const IMAGE_TOKEN_ESTIMATE = 1_600;
const MAX_URL_LENGTH = 2_048;

const invalid = (param: string, message: string) => new AppError(400, 'invalid_request', message, { param });

/** An image given as a URL: `data:<media type>;base64,<data>`, or `https://…`. */
export function imageFromUrl(url: string, at: string): ImageSource {
  if (url.startsWith('data:')) {
    const match = /^data:([\w/+.-]+);base64,(.*)$/s.exec(url);
    if (!match) throw invalid(at, `${at}: a data URL must be data:<media type>;base64,<data>`);
    return imageFromBase64(match[1]!, match[2]!, at);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(at, `${at}: not a URL, nor a data URL`);
  }
  if (parsed.protocol !== 'https:') throw invalid(at, `${at}: an image URL must be https (or a data: URL)`);
  if (url.length > MAX_URL_LENGTH) throw invalid(at, `${at}: an image URL is at most ${MAX_URL_LENGTH} characters`);
  return { kind: 'url', url };
}

/** An image given as its bytes in base64, with its media type. */
export function imageFromBase64(mediaType: string, data: string, at: string): ImageSource {
  const type = mediaType.toLowerCase();
  if (!(IMAGE_MEDIA_TYPES as readonly string[]).includes(type))
    throw invalid(at, `${at}: images are ${IMAGE_MEDIA_TYPES.join(', ')}; not ${mediaType}`);
  const clean = data.replace(/\s/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0 || clean.length === 0)
    throw invalid(at, `${at}: the image data is not base64`);
  if (clean.length > MAX_IMAGE_BASE64)
    throw invalid(
      at,
      `${at}: an image is at most ${MAX_IMAGE_BASE64 / 1024 / 1024} MB as base64 (about ${((MAX_IMAGE_BASE64 * 3) / 4 / 1024 / 1024).toFixed(2)} MB of image); this one is ${(clean.length / 1024 / 1024).toFixed(1)} MB`,
    );
  return { kind: 'base64', mediaType: type as ImageMediaType, data: clean };
}

/**
 * Refuses images `model` cannot take: any, for a model that reads none (400 model_cannot_read_file, as
 * a send with an attachment is refused); more than MAX_IMAGES; a GIF
 * for a Gemini model (Google lists PNG, JPEG, WebP, HEIC and HEIF only). `param` names the field.
 */
export function checkImages(model: ModelInfo, messages: ChatMessage[], param: string) {
  const images = messages.flatMap((m) =>
    m.role === 'user' && m.parts ? m.parts.flatMap((part) => (part.type === 'image' ? [part.source] : [])) : [],
  );
  if (images.length === 0) return;
  if (!model.reads.image)
    throw new AppError(400, 'model_cannot_read_file', `${param}: ${modelCannotRead(model, 'image')}`, { param });
  if (images.length > MAX_IMAGES)
    throw invalid(param, `${param}: at most ${MAX_IMAGES} images in one request; this one has ${images.length}`);
  if (!model.reads.gif && images.some((image) => image.kind === 'base64' && image.mediaType === 'image/gif'))
    throw invalid(param, `${param}: ${model.id} does not read GIF images: send PNG, JPEG or WebP`);
}
