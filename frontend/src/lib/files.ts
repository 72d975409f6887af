// Attachments: uploading a file with its progress (XMLHttpRequest, since fetch reports no upload
// progress), and reading a stored one back through the authorized route (an <img src> or a plain
// link would carry no bearer token, so the bytes are fetched and shown from a blob URL).
import { ApiError, type Message } from './api.ts';
import { accessToken, sessionExpired } from './auth.ts';

export type FileKind = 'image' | 'pdf' | 'text';

/** A stored file as the server describes it (upload answer, and each user message's attachments). */
export type Attachment = Message['attachments'][number];

/** What the file picker offers: the types the server accepts (it sniffs the bytes, whatever the name says). */
export const ACCEPTED_FILES =
  'image/png,image/jpeg,image/webp,image/gif,application/pdf,text/plain,text/markdown,text/csv,.txt,.md,.markdown,.csv,.json,.ts,.tsx,.js,.jsx,.py,.rb,.go,.rs,.java,.c,.h,.cpp,.cs,.php,.sh,.sql,.html,.css,.xml,.yaml,.yml,.toml';

export const KIND_WORDS: Record<FileKind, string> = { image: 'images', pdf: 'PDFs', text: 'text files' };

/** The kind a chosen file will most likely be, before the server has sniffed it (for the chip's icon). */
export function guessKind(file: File): FileKind {
  if (file.type.startsWith('image/')) return 'image';
  if (file.type === 'application/pdf' || file.name.toLowerCase().endsWith('.pdf')) return 'pdf';
  return 'text';
}

/** Sends one file to POST /api/files; `onProgress` gets the share sent (0–1). Refusals are thrown as ApiError. */
export async function uploadFile(
  file: File,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<Attachment> {
  const token = await accessToken();
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/files');
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      const body = xhr.response as (Attachment & { error?: { code?: string; message?: string } }) | null;
      if (xhr.status >= 200 && xhr.status < 300 && body) return resolve(body);
      if (xhr.status === 401) sessionExpired();
      reject(
        new ApiError(
          xhr.status,
          body?.error?.code ?? 'http_error',
          body?.error?.message ?? `The server answered ${xhr.status}`,
        ),
      );
    };
    xhr.onerror = () => reject(new TypeError('Failed to fetch'));
    xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort());
    const form = new FormData();
    form.append('file', file);
    xhr.send(form);
  });
}

/** A stored file's bytes, read with the user's token. */
export async function fetchFile(url: string): Promise<Blob> {
  const token = await accessToken();
  const res = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  if (!res.ok) {
    if (res.status === 401) sessionExpired();
    throw new ApiError(res.status, 'http_error', `The file could not be read (the server answered ${res.status})`);
  }
  return res.blob();
}

/** A size in words, in the units the server's refusals use (1 MB = 1024 KB): "812 bytes", "34 KB", "4.2 MB". */
export function sizeWords(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const rounded =
    unit === 0 ? String(value) : value >= 10 || Number.isInteger(value) ? value.toFixed(0) : value.toFixed(1);
  return `${rounded} ${units[unit]}`;
}
