// A file as Parley keeps it: its owner's Limiter holds the catalogue (what was uploaded, how much
// storage it takes), R2 the bytes, Postgres a copy written behind (table `files`).
import type { FileKind } from './sniff.ts';

/** One uploaded file of a user; `id` is the SHA-256 of its bytes (hex), unique per owner. */
export type StoredFile = {
  id: string;
  name: string;
  mediaType: string;
  kind: FileKind;
  size: number;
  /** When it was first uploaded, epoch ms. */
  createdAt: number;
};

/** A file as the API shows it, on an upload's answer and on each user message that carries it. */
export type Attachment = Omit<StoredFile, 'createdAt'> & { url: string };

/** Where a user's file is in R2: content-addressed under its owner. */
export const fileKey = (userId: string, id: string) => `users/${userId}/${id}`;

export const fileUrl = (id: string) => `/api/files/${id}`;

export function toAttachment(file: StoredFile): Attachment {
  return {
    id: file.id,
    name: file.name,
    mediaType: file.mediaType,
    kind: file.kind,
    size: file.size,
    url: fileUrl(file.id),
  };
}

/** What the owner's storage holds now. */
export type StorageState = { usedBytes: number; limitBytes: number; files: number };

/** A refusal from the owner's Limiter, in the error envelope's terms. */
export type FileRefusal = { ok: false; status: 400 | 409 | 413; code: string; message: string };
