// Files people attach to messages (issue 24): upload, and read back by their owner only. The bytes
// are in R2 under the owner (users/<userId>/<sha256>), so another user's id finds nothing: 404.
import { Hono } from 'hono';
import * as z from 'zod';
import type { AppEnv } from '../env.ts';
import { requireUser } from '../auth/index.ts';
import { notFound } from '../errors.ts';
import { describe } from '../openapi/describe.ts';
import { uploadFile } from '../files/upload.ts';
import { fileKey, toAttachment } from '../files/types.ts';
import { attachmentSchema } from '../schemas/files.ts';
import { validate } from '../validation.ts';

const filesApi = { tag: 'files', security: ['session', 'apiKey'] } as const;
const fileParam = z.object({ id: z.string().describe('The file id (its SHA-256, hex), from its upload') });
const fileQuery = z.object({
  thumbnail: z.string().optional().describe('1: a small version for a preview (the image itself, for now)'),
});
const noSuchFile = () => notFound('No such file (or not yours)');

export const files = new Hono<AppEnv>()
  .use(requireUser)
  .post(
    '/',
    describe({
      ...filesApi,
      summary:
        "Upload a file to attach to messages: multipart/form-data with one field `file`. Its type is read from its bytes (PNG, JPEG, WebP, GIF, PDF, or UTF-8 text: plain text, Markdown, CSV, source code); the same bytes uploaded again are the same file. Limits are your plan's: size per file, total storage",
      responses: {
        201: { description: 'The file as stored: attach it by its id', schema: attachmentSchema },
        400: { description: 'Not multipart/form-data, or no field named file' },
        409: { description: "Your plan's storage is full (storage_full): the message names the limit" },
        413: { description: "Over your plan's size per file (file_too_large): the message names the limit" },
        415: { description: 'Not a type Parley reads (unsupported_file_type): an executable, an archive, …' },
      },
    }),
    async (c) => c.json(toAttachment(await uploadFile(c.env, c.var.subject.userId, c.req.raw)), 201),
  )
  .get(
    '/:id',
    describe({
      ...filesApi,
      summary:
        'One of your files, as uploaded: images inline, anything else as an attachment (?thumbnail=1: a preview of an image)',
      responses: {
        200: {
          description: 'The bytes, with the type read from them',
          headers: {
            'Content-Type': 'The type read from the bytes at upload',
            'Content-Disposition': 'inline for images, attachment otherwise, with the file name',
          },
        },
        404: { description: 'No such file, or not yours' },
      },
    }),
    validate('param', fileParam),
    validate('query', fileQuery),
    async (c) => {
      const { id } = c.req.valid('param');
      if (!/^[0-9a-f]{64}$/.test(id)) throw noSuchFile();
      const object = await c.env.FILES.get(fileKey(c.var.subject.userId, id));
      if (!object) throw noSuchFile();
      const mediaType = object.httpMetadata?.contentType ?? 'application/octet-stream';
      const name = encodeURIComponent(object.customMetadata?.name ?? id);
      const disposition = mediaType.startsWith('image/') ? 'inline' : 'attachment';
      return new Response(object.body, {
        headers: {
          'content-type': mediaType,
          'content-length': String(object.size),
          'content-disposition': `${disposition}; filename*=UTF-8''${name}`,
          'x-content-type-options': 'nosniff',
          // The owner's alone; content-addressed, so it never changes under its id.
          'cache-control': 'private, max-age=3600',
          etag: object.httpEtag,
        },
      });
    },
  );
