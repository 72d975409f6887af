// What a fake model "sees" in a request's images, the same for every vendor: a reply that names
// each image (its media type and decoded size, or its URL) so a test can tell the bytes arrived
// intact, and the input tokens each vendor's documentation says an image costs.
import type { VendorName } from './types.ts';

/** An image as a request carried it: its bytes (base64 decoded), or a URL the vendor would fetch. */
export type SeenImage = { mediaType: string; bytes: number } | { url: string };

/**
 * Input tokens per image, fixed for the fake (vendors count by size; these are each vendor's own
 * documented figures): Anthropic's example of a 1092×1092 image (about 1,600), OpenAI's low-detail
 * image (85), Gemini's image of up to 384 pixels a side (258).
 */
export const IMAGE_TOKENS: Record<VendorName, number> = {
  anthropic: 1_600,
  openai: 85,
  compat: 85,
  gemini: 258,
};

/** `I see 2 images: image/png (68 bytes), https://example.com/cat.png` */
export function imagesText(images: SeenImage[]): string {
  const named = images.map((image) => ('url' in image ? image.url : `${image.mediaType} (${image.bytes} bytes)`));
  return `I see ${images.length} image${images.length === 1 ? '' : 's'}: ${named.join(', ')}`;
}

/** The decoded size of base64 data. */
export function base64Bytes(data: string): number {
  return Buffer.from(data, 'base64').length;
}
