// What a file is, read from its bytes: the type a client claims is never trusted. Images and PDFs
// by their magic numbers; text is valid UTF-8 without NUL (plain text, Markdown, CSV, source code).
// Anything else (an executable, a zip, an office document) is refused.

export const FILE_KINDS = ['image', 'pdf', 'text'] as const;
export type FileKind = (typeof FILE_KINDS)[number];
export type Sniffed = { mediaType: string; kind: FileKind };

const startsWith = (bytes: Uint8Array, signature: readonly number[], at = 0) =>
  bytes.length >= at + signature.length && signature.every((byte, i) => bytes[at + i] === byte);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** The media types a text file may be served as, by its name's extension; anything else is text/plain. */
const TEXT_TYPES: Record<string, string> = {
  md: 'text/markdown',
  markdown: 'text/markdown',
  csv: 'text/csv',
};

/** The file's type from its bytes (`name` only picks between text types), or undefined when it is none Parley reads. */
export function sniffFile(bytes: Uint8Array, name: string): Sniffed | undefined {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return { mediaType: 'image/png', kind: 'image' };
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { mediaType: 'image/jpeg', kind: 'image' };
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8))
    return { mediaType: 'image/webp', kind: 'image' };
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a')))
    return { mediaType: 'image/gif', kind: 'image' };
  if (startsWith(bytes, ascii('%PDF-'))) return { mediaType: 'application/pdf', kind: 'pdf' };
  if (isText(bytes)) {
    const extension = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? '';
    return { mediaType: TEXT_TYPES[extension] ?? 'text/plain', kind: 'text' };
  }
  return undefined;
}

/** Valid UTF-8 (a BOM allowed), no NUL, and not empty. */
function isText(bytes: Uint8Array): boolean {
  if (bytes.length === 0 || bytes.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
