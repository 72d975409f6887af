// What Parley knows of a PDF before any vendor has read it: how many pages it has, and so what it is
// counted as in the prompt estimate and the quota reservation.
import type { DocumentPart } from '../providers/types.ts';

/**
 * Tokens one PDF page is counted as: Anthropic's PDF support guide puts each page at "typically
 * 1,500-3,000 tokens per page depending on content density" (the page's text plus an image of it);
 * the estimate takes the top of that range so the reservation holds what the vendor bills.
 */
export const PDF_PAGE_TOKEN_ESTIMATE = 3_000;

/**
 * When a PDF names no page objects Parley can see (its objects sit in compressed object streams), a
 * page is assumed for every 100 KB of it (at least one): scanned and image-heavy pages run larger, so
 * this errs towards more pages, never fewer than one.
 */
const BYTES_PER_PAGE_FALLBACK = 100 * 1024;

/**
 * The pages of a PDF given as a binary string (one character a byte, as `atob` returns): its
 * `/Type /Page` objects, `/Type /Pages` (the page tree's nodes) not among them.
 */
export function pdfPageCount(binary: string): number {
  const pages = binary.match(/\/Type\s*\/Page(?![A-Za-z0-9])/g)?.length ?? 0;
  return pages > 0 ? pages : Math.max(1, Math.ceil(binary.length / BYTES_PER_PAGE_FALLBACK));
}

const counted = new WeakMap<DocumentPart, number>();

/**
 * The pages of a PDF part, counted once per part: the estimate runs more than once a request (the
 * reservation, the context trim, the checks) and decoding a large PDF each time would add up.
 */
export function pdfPages(part: DocumentPart): number {
  let pages = counted.get(part);
  if (pages === undefined) {
    pages = pdfPageCount(atob(part.data));
    counted.set(part, pages);
  }
  return pages;
}
