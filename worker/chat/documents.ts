// PDFs in a request's user turns, as the APIs accept them (/v1/chat/completions `file` parts with a
// data URL in `file_data`, /v1/messages `document` blocks with a base64 source) and as the room
// sends attachments. The limits hold for every vendor: a PDF one vendor would refuse is refused here,
// with the reason, before anything is reserved.
import { AppError } from '../errors.ts';
import { type ModelInfo, modelCannotRead } from '../providers/registry.ts';
import type { ChatMessage, DocumentPart } from '../providers/types.ts';
import { pdfPages } from './pdf.ts';

/**
 * The largest PDF as base64 text: Gemini takes inline data only in a request of at most 20 MB, the
 * smallest of the three vendors' limits (Anthropic's request is 32 MB, OpenAI's files 50 MB).
 */
export const MAX_PDF_BASE64 = 20 * 1024 * 1024;
/** The most PDF pages in one request (Anthropic's "Maximum pages per request: 100"). */
export const MAX_PDF_PAGES = 100;

const invalid = (param: string, message: string) => new AppError(400, 'invalid_request', message, { param });

/** A PDF given as base64 bytes; `name` is the file name the vendor is told where it takes one. */
export function pdfFromBase64(data: string, name: string, at: string): DocumentPart {
  const clean = data.replace(/\s/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0 || clean.length === 0)
    throw invalid(at, `${at}: the PDF data is not base64`);
  if (clean.length > MAX_PDF_BASE64)
    throw invalid(
      at,
      `${at}: a PDF is at most ${MAX_PDF_BASE64 / 1024 / 1024} MB as base64 (about ${((MAX_PDF_BASE64 * 3) / 4 / 1024 / 1024).toFixed(0)} MB of PDF); this one is ${(clean.length / 1024 / 1024).toFixed(1)} MB`,
    );
  if (!atob(clean.slice(0, 8)).startsWith('%PDF-')) throw invalid(at, `${at}: the data is not a PDF (no %PDF- header)`);
  return { type: 'document', mediaType: 'application/pdf', name, data: clean };
}

/** A PDF given as a data URL, `data:application/pdf;base64,<data>` (OpenAI's `file_data`). */
export function pdfFromDataUrl(url: string, name: string, at: string): DocumentPart {
  const match = /^data:application\/pdf;base64,(.*)$/is.exec(url);
  if (!match) throw invalid(at, `${at}: a file's data must be a data URL, data:application/pdf;base64,<data>`);
  return pdfFromBase64(match[1]!, name, at);
}

/**
 * Refuses PDFs `model` cannot take: any, for a model that reads none (400 model_cannot_read_file),
 * and more than MAX_PDF_PAGES pages in all. `param` names the field.
 */
export function checkDocuments(model: ModelInfo, messages: ChatMessage[], param: string) {
  const documents = messages.flatMap((m) =>
    m.role === 'user' && m.parts ? m.parts.filter((part) => part.type === 'document') : [],
  );
  if (documents.length === 0) return;
  if (!model.reads.pdf)
    throw new AppError(400, 'model_cannot_read_file', `${param}: ${modelCannotRead(model, 'pdf')}`, { param });
  const pages = documents.reduce((sum, d) => sum + pdfPages(d), 0);
  if (pages > MAX_PDF_PAGES)
    throw invalid(param, `${param}: at most ${MAX_PDF_PAGES} PDF pages in one request; this one has ${pages}`);
}
