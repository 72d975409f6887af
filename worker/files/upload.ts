// An upload, from the request to R2: the multipart body read with its size counted as it arrives
// (refused as soon as it passes the plan's limit, never buffered past it), the type sniffed from the
// bytes, the SHA-256 as the id, the owner's Limiter counting it (exact under concurrency; the same
// bytes twice are one file), then the bytes put in R2. Nothing here waits on Postgres.
import { AppError, badRequest } from '../errors.ts';
import { userLimiter } from '../usage/limiters.ts';
import { formatBytes } from './format.ts';
import { sniffFile } from './sniff.ts';
import { fileKey, type StoredFile } from './types.ts';

/** Room for the multipart framing around the file (boundaries, part headers, a long file name). */
const MULTIPART_OVERHEAD = 16 * 1024;
const MAX_NAME_CHARS = 200;

const tooLarge = (limit: number, size?: number) =>
  new AppError(
    413,
    'file_too_large',
    `A file is at most ${formatBytes(limit)} on your plan${size === undefined ? '' : `; this one is ${formatBytes(size)}`}`,
  );

/** Stores the file in `request` (multipart, field `file`) for `userId`; the file as kept. */
export async function uploadFile(
  env: Pick<Env, 'LIMITER' | 'FILES'>,
  userId: string,
  request: Request,
): Promise<StoredFile> {
  const limiter = userLimiter(env, userId);
  const { fileMaxBytes } = await limiter.storage(userId);
  const { name, bytes } = await readMultipartFile(request, fileMaxBytes);
  const sniffed = sniffFile(bytes, name);
  if (!sniffed)
    throw new AppError(
      415,
      'unsupported_file_type',
      `${name}: not a file Parley reads. Attach images (PNG, JPEG, WebP, GIF), PDFs, or text files (plain text, Markdown, CSV, source code)`,
    );
  const id = toHex(await crypto.subtle.digest('SHA-256', bytes));
  const decision = await limiter.addFile(userId, { id, name, ...sniffed, size: bytes.length, createdAt: Date.now() });
  if (!decision.ok) throw new AppError(decision.status, decision.code, decision.message);
  const key = fileKey(userId, id);
  // The same bytes again: their object is there already (or is being put by the first upload).
  if (!decision.created && (await env.FILES.head(key))) return decision.file;
  try {
    await env.FILES.put(key, bytes, {
      httpMetadata: { contentType: decision.file.mediaType },
      customMetadata: { name: decision.file.name, kind: decision.file.kind },
    });
  } catch (error) {
    if (decision.created) await limiter.dropUpload(userId, id);
    throw error;
  }
  return decision.file;
}

/** The `file` field of a multipart body, read with its size counted as it arrives. */
async function readMultipartFile(
  request: Request,
  maxBytes: number,
): Promise<{ name: string; bytes: Uint8Array<ArrayBuffer> }> {
  const contentType = request.headers.get('content-type') ?? '';
  if (!contentType.toLowerCase().startsWith('multipart/form-data'))
    throw badRequest('Upload a file as multipart/form-data, in a field named file');
  const limit = maxBytes + MULTIPART_OVERHEAD;
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(maxBytes, declared - MULTIPART_OVERHEAD);
  if (!request.body) throw badRequest('file: required (multipart/form-data with a field named file)');
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let total = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value as Uint8Array<ArrayBuffer>);
  }
  let form: FormData;
  try {
    form = await new Response(new Blob(chunks), { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw badRequest('The body is not multipart/form-data');
  }
  const file = form.get('file');
  if (!file || typeof file === 'string')
    throw badRequest('file: required (multipart/form-data with a field named file)');
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (bytes.length > maxBytes) throw tooLarge(maxBytes, bytes.length);
  return { name: cleanName(file.name), bytes };
}

/** The file's own name, without any path, control characters or quotes, at most MAX_NAME_CHARS. */
function cleanName(raw: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const base = (raw.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f"]/g, '').trim();
  return base.slice(0, MAX_NAME_CHARS) || 'file';
}

function toHex(digest: ArrayBuffer): string {
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}
