// PDFs on the fake upstreams, for all three vendors: each reads the request shape its vendor
// documents (Anthropic `document` blocks with a base64 source, OpenAI Chat Completions `file` parts
// with a data URL in `file_data`, Gemini `inlineData` of type application/pdf), refuses what that
// vendor refuses (with its status and error body; its words where they are on record), counts the
// pages, and says what the model "read" so a test can tell the bytes arrived whole.
import { pdfPageCount } from '../../worker/chat/pdf.ts';
import type { VendorName } from './types.ts';

/** A PDF as the request carried it: its name where the wire has one, decoded size and pages. */
export type SeenDocument = { name?: string; mediaType: string; bytes: number; pages: number };

/**
 * Input tokens per page, fixed for the fake, from each vendor's documentation: Anthropic "1,500-3,000
 * tokens per page" (the low end), Gemini "each document page is equivalent to 258 tokens", OpenAI
 * names no figure (text plus an image of each page): its low-detail image's 85.
 */
export const PAGE_TOKENS: Record<VendorName, number> = { anthropic: 1_500, openai: 85, compat: 85, gemini: 258 };

/** Anthropic: "Maximum request size: 32MB", "Maximum pages per request: 100". */
export const ANTHROPIC_MAX_REQUEST_BYTES = 32 * 1024 * 1024;
export const ANTHROPIC_MAX_PAGES = 100;
/** OpenAI's file inputs guide: files up to 50 MB, all of a request's files together 50 MB at most. */
export const OPENAI_MAX_FILE_BYTES = 50 * 1024 * 1024;
/** Gemini: "the total request size [with inline data] is 20MB"; larger files go through its Files API. */
export const GEMINI_MAX_REQUEST_BYTES = 20 * 1024 * 1024;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The document a base64 PDF is, or undefined when its bytes are no PDF (`%PDF-` first). */
function readPdf(data: string, name?: string): SeenDocument | undefined {
  const binary = Buffer.from(data, 'base64').toString('latin1');
  if (!binary.startsWith('%PDF-')) return undefined;
  return { ...(name ? { name } : {}), mediaType: 'application/pdf', bytes: binary.length, pages: pdfPageCount(binary) };
}

/** `I read 1 PDF: report.pdf (2 pages, 612 bytes)` */
export function documentsText(documents: SeenDocument[]): string {
  const named = documents.map(
    (d) => `${d.name ?? d.mediaType} (${d.pages} page${d.pages === 1 ? '' : 's'}, ${d.bytes} bytes)`,
  );
  return `I read ${documents.length} PDF${documents.length === 1 ? '' : 's'}: ${named.join(', ')}`;
}

/** What the fake model answers about the last user turn's images and PDFs together. */
export function filesReply(imagesReply: string | undefined, documents: SeenDocument[]): string | undefined {
  const parts = [imagesReply, documents.length ? documentsText(documents) : undefined].filter(Boolean);
  return parts.length ? parts.join('; ') : undefined;
}

/** A vendor's reading of a request's PDFs: those of the last user turn, and all of them (tokens, the log). */
export type DocumentsReading = { lastUser: SeenDocument[]; all: SeenDocument[] };
/** A refusal: the status and message of the vendor's error. */
export type Refusal = { status: number; message: string };

type Message = { role?: unknown; content?: unknown };

/**
 * Anthropic's `document` blocks with a base64 PDF source (text, content, url and file sources pass
 * unread). 400 invalid_request_error for a malformed block or more than 100 pages in all (the API's
 * "A maximum of 100 PDF pages may be provided."); 413 request_too_large for a request over 32 MB.
 */
export function anthropicDocuments(messages: Message[], bodyBytes: number): DocumentsReading | Refusal {
  if (bodyBytes > ANTHROPIC_MAX_REQUEST_BYTES)
    return { status: 413, message: 'Request exceeds the maximum allowed number of bytes.' };
  const reading: DocumentsReading = { lastUser: [], all: [] };
  for (const [i, message] of messages.entries()) {
    if (!Array.isArray(message.content)) continue;
    const seen: SeenDocument[] = [];
    for (const [j, block] of (message.content as unknown[]).entries()) {
      if (!isObject(block) || block.type !== 'document') continue;
      const at = `messages.${i}.content.${j}.document.source`;
      if (message.role === 'assistant')
        return bad(`messages.${i}.content: 'document' blocks are not permitted within assistant turns`);
      const source = block.source;
      if (!isObject(source)) return bad(`${at}: Field required`);
      if (['text', 'content', 'url', 'file'].includes(source.type as string)) continue;
      if (source.type !== 'base64')
        return bad(
          `${at}: Input tag '${String(source.type)}' found using 'type' does not match any of the expected tags: 'base64', 'content', 'file', 'text', 'url'`,
        );
      if (source.media_type !== 'application/pdf')
        return bad(`${at}.base64.media_type: Input should be 'application/pdf'`);
      if (typeof source.data !== 'string') return bad(`${at}.base64.data: Field required`);
      if (source.data === '' || !BASE64.test(source.data) || source.data.length % 4 !== 0)
        return bad(`${at}.base64: invalid base64 data`);
      const pdf = readPdf(source.data, typeof block.title === 'string' ? block.title : undefined);
      if (!pdf) return bad('The PDF specified was not valid.');
      seen.push(pdf);
    }
    reading.all.push(...seen);
    if (message.role === 'user') reading.lastUser = seen;
  }
  const pages = reading.all.reduce((sum, d) => sum + d.pages, 0);
  if (pages > ANTHROPIC_MAX_PAGES) return bad(`A maximum of ${ANTHROPIC_MAX_PAGES} PDF pages may be provided.`);
  return reading;
}

/**
 * OpenAI Chat Completions `file` parts: `file_data` must be a data URL of a PDF (base64), or a
 * `file_id` of an uploaded file (passed unread). 400 invalid_request_error otherwise, in the words
 * OpenAI uses for image data URLs; files over 50 MB in all are refused in the fake's own words.
 */
export function openaiDocuments(messages: Message[]): DocumentsReading | Refusal {
  const reading: DocumentsReading = { lastUser: [], all: [] };
  for (const [i, message] of messages.entries()) {
    if (!Array.isArray(message.content)) continue;
    const seen: SeenDocument[] = [];
    for (const [j, part] of (message.content as unknown[]).entries()) {
      if (!isObject(part) || part.type !== 'file') continue;
      const at = `messages[${i}].content[${j}].file`;
      if (message.role !== 'user')
        return bad(
          `Invalid 'messages[${i}]'. Files are only allowed for messages with role 'user', but this message with role '${String(message.role)}' contains a file.`,
        );
      const file = part.file;
      if (!isObject(file)) return bad(`Missing required parameter: '${at}'.`);
      if (typeof file.file_id === 'string' && file.file_data === undefined) continue;
      const data = file.file_data;
      if (typeof data !== 'string') return bad(`Missing required parameter: '${at}.file_data'.`);
      const expected = (got: string) =>
        `Invalid '${at}.file_data'. Expected a base64-encoded data URL with an application/pdf MIME type (e.g. 'data:application/pdf;base64,SGVsbG8sIFdvcmxkIQ=='), but got ${got}.`;
      if (!data.startsWith('data:')) return bad(expected("a value without the 'data:' prefix"));
      const match = /^data:([^,;]*)((?:;[^,;]*)*),(.*)$/s.exec(data);
      if (!match || !(match[2] ?? '').split(';').includes('base64'))
        return bad(expected('a data URL that is not base64-encoded'));
      if ((match[1] ?? '').toLowerCase() !== 'application/pdf')
        return bad(
          `Invalid file data: '${at}.file_data'. Chat Completions accepts only PDF files (application/pdf), not ${match[1] || 'an untyped file'}.`,
        );
      const base64 = match[3] ?? '';
      if (base64 === '' || !BASE64.test(base64) || base64.length % 4 !== 0)
        return bad(expected('invalid base64-encoded bytes'));
      const pdf = readPdf(base64, typeof file.filename === 'string' ? file.filename : undefined);
      if (!pdf) return bad(`Invalid file data: '${at}.file_data'. The file is not a valid PDF.`);
      seen.push(pdf);
    }
    reading.all.push(...seen);
    if (message.role === 'user') reading.lastUser = seen;
  }
  const bytes = reading.all.reduce((sum, d) => sum + d.bytes, 0);
  if (bytes > OPENAI_MAX_FILE_BYTES)
    return bad(
      `The files in this request total ${bytes} bytes; at most ${OPENAI_MAX_FILE_BYTES} bytes of files are allowed in one request.`,
    );
  return reading;
}

/**
 * Gemini `inlineData` parts of type application/pdf (gemini-images.ts reads the images and checks
 * the base64 first). 400 INVALID_ARGUMENT for a request over 20 MB, in Google's words.
 */
export function geminiDocuments(contents: Message[], bodyBytes: number): DocumentsReading | Refusal {
  if (bodyBytes > GEMINI_MAX_REQUEST_BYTES)
    return bad(`Request payload size exceeds the limit: ${GEMINI_MAX_REQUEST_BYTES} bytes.`);
  const reading: DocumentsReading = { lastUser: [], all: [] };
  for (const content of contents) {
    const parts = Array.isArray((content as { parts?: unknown }).parts) ? (content as { parts: unknown[] }).parts : [];
    const seen: SeenDocument[] = [];
    for (const part of parts) {
      const inline = isObject(part) && isObject(part.inlineData) ? part.inlineData : undefined;
      if (!inline || String(inline.mimeType).toLowerCase() !== 'application/pdf') continue;
      const pdf = readPdf(String(inline.data ?? ''));
      if (!pdf) return bad('The document has no pages.');
      seen.push(pdf);
    }
    reading.all.push(...seen);
    if (content.role === 'user' || content.role === undefined) reading.lastUser = seen;
  }
  return reading;
}

const bad = (message: string): Refusal => ({ status: 400, message });

/** Whether a reading is a refusal. */
export const refused = (reading: DocumentsReading | Refusal): reading is Refusal => 'status' in reading;

/** Prompt tokens a request's PDFs cost at the vendor's per-page figure. */
export const documentTokens = (vendor: VendorName, reading: DocumentsReading) =>
  reading.all.reduce((sum, d) => sum + d.pages, 0) * PAGE_TOKENS[vendor];
