// The files in the composer: each uploads at once (so Send only waits for what is still on its way),
// shows its progress, and is either stored (an attachment to send) or refused with why. The view
// that owns the composer owns this list too, so a drop anywhere on the conversation and the model
// picker (which models can read what is attached) see the same files.
import { createSignal } from 'solid-js';
import { createStore, produce } from 'solid-js/store';
import { requestErrorWords } from './errors.ts';
import { type Attachment, type FileKind, guessKind, uploadFile } from './files.ts';

export type Upload = {
  key: string;
  name: string;
  kind: FileKind;
  /** The file's type as the browser says, then as the server read it from the bytes. */
  mediaType: string;
  size: number;
  /** 0–1 while uploading. */
  progress: number;
  status: 'uploading' | 'stored' | 'refused';
  /** A local preview of an image (a blob URL of the chosen file itself). */
  preview?: string;
  stored?: Attachment;
  problem?: string;
};

let counter = 0;

/** What a model must read to take `upload`: its kind, and `gif` too for a GIF (cannotReadWords). */
export function uploadKinds(upload: Pick<Upload, 'kind' | 'mediaType'>): string[] {
  return upload.mediaType === 'image/gif' ? [upload.kind, 'gif'] : [upload.kind];
}

export function createAttachments() {
  const [uploads, setUploads] = createStore<Upload[]>([]);
  const aborts = new Map<string, AbortController>();
  const [announcement, setAnnouncement] = createSignal('');

  const update = (key: string, change: (u: Upload) => void) =>
    setUploads(
      produce((list) => {
        const found = list.find((u) => u.key === key);
        if (found) change(found);
      }),
    );

  function add(files: Iterable<File>) {
    for (const file of files) {
      const key = `upload-${++counter}`;
      const kind = guessKind(file);
      const abort = new AbortController();
      aborts.set(key, abort);
      setUploads(uploads.length, {
        key,
        name: file.name || `pasted-${counter}.png`,
        kind,
        mediaType: file.type,
        size: file.size,
        progress: 0,
        status: 'uploading',
        ...(kind === 'image' ? { preview: URL.createObjectURL(file) } : {}),
      });
      setAnnouncement(`Uploading ${file.name || 'the pasted image'}…`);
      uploadFile(file, (fraction) => update(key, (u) => (u.progress = fraction)), abort.signal).then(
        (stored) => {
          update(key, (u) =>
            Object.assign(u, { status: 'stored', progress: 1, stored, kind: stored.kind, mediaType: stored.mediaType }),
          );
          setAnnouncement(`${stored.name} is attached.`);
        },
        (error: unknown) => {
          if (abort.signal.aborted) return;
          const problem = requestErrorWords(error);
          update(key, (u) => Object.assign(u, { status: 'refused', problem }));
          setAnnouncement(`${file.name || 'The pasted image'} was not attached: ${problem}`);
        },
      );
    }
  }

  function remove(key: string) {
    aborts.get(key)?.abort();
    aborts.delete(key);
    const gone = uploads.find((u) => u.key === key);
    if (gone?.preview) URL.revokeObjectURL(gone.preview);
    setUploads((list) => list.filter((u) => u.key !== key));
  }

  return {
    uploads,
    announcement,
    add,
    remove,
    /** Files still on their way: Send waits for them. */
    pending: () => uploads.filter((u) => u.status === 'uploading').length,
    /** The stored files, to send. */
    stored: () => uploads.filter((u) => u.status === 'stored' && u.stored).map((u) => u.stored!),
    /** The kinds attached (stored or on their way), for the model picker. */
    kinds: () => new Set(uploads.filter((u) => u.status !== 'refused').flatMap(uploadKinds)),
    /** Takes the stored files out of the composer (they are being sent); refused ones stay with their reasons. */
    take: () => {
      const taken = uploads.filter((u) => u.status === 'stored');
      setUploads((list) => list.filter((u) => u.status !== 'stored'));
      return taken;
    },
    /** Files stored before (a refused first message's), shown again as attached. */
    restoreStored: (stored: Attachment[]) =>
      setUploads((list) => [
        ...stored.map((a) => ({
          key: `upload-${++counter}`,
          name: a.name,
          kind: a.kind,
          mediaType: a.mediaType,
          size: a.size,
          progress: 1,
          status: 'stored' as const,
          stored: a,
        })),
        ...list,
      ]),
    /** Puts back files taken for a send the server refused. */
    restore: (taken: Upload[]) => setUploads((list) => [...taken, ...list]),
  };
}

export type Attachments = ReturnType<typeof createAttachments>;
