// Images in Gemini's `contents` as the fake reads and checks them: `inlineData` parts (an image's
// bytes in base64 with its mimeType) and `fileData` parts (a URI Gemini reads the file from). The
// checks refuse what Gemini refuses with 400 INVALID_ARGUMENT, in Google's words where they are known.
import type { Content } from './gemini-tools.ts';
import { base64Bytes, IMAGE_TOKENS, type SeenImage } from './image-reply.ts';

type MediaPart = {
  inlineData?: { mimeType?: unknown; data?: unknown };
  fileData?: { mimeType?: unknown; fileUri?: unknown };
};

/** The image types Gemini's image-understanding guide lists (GIF is not among them). */
const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/heic', 'image/heif'];

/**
 * URIs Gemini reads a file from: a file uploaded to its Files API, a Cloud Storage object, or (since
 * Google's external-URL support) a public or signed https URL. Anything else, an http:// or data:
 * URL included, is refused.
 */
const READABLE_URI = /^(https:\/\/|gs:\/\/)/i;

/** bytes fields in Google's JSON: standard or URL-safe base64, padding optional. */
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

function isBase64(data: string): boolean {
  return BASE64.test(data) && data.replace(/=+$/, '').length % 4 !== 1;
}

/** Google quotes the value it could not decode; the fake cuts a long one short. */
function quoted(value: string): string {
  return JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}...` : value);
}

// What Gemini answers for image bytes it cannot read, the fake's only such case being none at all.
const EMPTY_IMAGE =
  'Unable to process input image. Please retry or report in https://developers.generativeai.google/guide/troubleshooting';

const partsOf = (content: Content | undefined) => (Array.isArray(content?.parts) ? content.parts : []) as MediaPart[];

/** What the request's images mean to the fake: those the last user turn shows, and the prompt tokens all of them cost. */
export type ImagesReading = { seen: SeenImage[]; tokens: number };

/**
 * Reads and checks every image part of the request; a string is the message of the 400 Gemini
 * would send. Bytes are checked before types, as Google decodes the JSON before it reads it.
 */
export function readImages(contents: Content[]): ImagesReading | string {
  for (const [c, content] of contents.entries()) {
    for (const [p, part] of partsOf(content).entries()) {
      const data = part?.inlineData?.data;
      if (data !== undefined && (typeof data !== 'string' || !isBase64(data))) {
        return `Invalid value at 'contents[${c}].parts[${p}].inline_data.data' (TYPE_BYTES), Base64 decoding failed for ${quoted(String(data))}`;
      }
    }
  }
  let count = 0;
  for (const content of contents) {
    for (const part of partsOf(content)) {
      const media = part?.inlineData ?? part?.fileData;
      if (media === undefined) continue;
      const uri = part.fileData?.fileUri;
      if (part.fileData !== undefined && (typeof uri !== 'string' || !READABLE_URI.test(uri)))
        return `Invalid or unsupported file uri: ${String(uri ?? '')}`;
      const type = typeof media.mimeType === 'string' ? media.mimeType.toLowerCase() : '';
      // PDFs are read in documents.ts; the fake's model reads no audio or video, which Gemini also takes.
      if (type === 'application/pdf' && part.inlineData !== undefined) continue;
      if (!IMAGE_TYPES.includes(type)) return `Unsupported MIME type: ${String(media.mimeType ?? '')}`;
      if (part.inlineData !== undefined && base64Bytes(String(part.inlineData.data ?? '')) === 0) return EMPTY_IMAGE;
      count++;
    }
  }
  const last = contents.at(-1);
  const seen =
    last?.role === 'user' || last?.role === undefined
      ? partsOf(last).flatMap((part): SeenImage[] => {
          if (part?.inlineData && String(part.inlineData.mimeType).toLowerCase() === 'application/pdf') return [];
          if (part?.inlineData)
            return [{ mediaType: String(part.inlineData.mimeType), bytes: base64Bytes(String(part.inlineData.data)) }];
          return part?.fileData ? [{ url: String(part.fileData.fileUri) }] : [];
        })
      : [];
  return { seen, tokens: count * IMAGE_TOKENS.gemini };
}

/**
 * Text that stands for the images' tokens in the prompt text the shared flow estimates input tokens
 * from (reply.ts: four ASCII characters a token, rounded up), so the estimate, the request log and
 * promptTokenCount all count IMAGE_TOKENS.gemini tokens an image on top of the text's.
 */
export function imageStandIn(reading: ImagesReading): string {
  return '#'.repeat(reading.tokens * 4);
}
