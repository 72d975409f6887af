import { createResource, For, onCleanup, Show } from 'solid-js';
import { saveFile } from '../lib/download.ts';
import { requestErrorWords } from '../lib/errors.ts';
import { type Attachment, fetchFile, sizeWords } from '../lib/files.ts';
import { FileIcon } from './icons.tsx';

/**
 * The files a user message carries: images as thumbnails that open the full image, PDFs and text
 * files as named links that download them. Every byte comes through the authorized route (the
 * user's token), never from a URL anyone could open.
 */
export function MessageAttachments(props: { attachments: Attachment[] }) {
  return (
    <ul class="message-attachments" aria-label="Attached files">
      <For each={props.attachments}>
        {(file) => (
          <li>
            <Show when={file.kind === 'image'} fallback={<FileLink file={file} />}>
              <ImageThumb file={file} />
            </Show>
          </li>
        )}
      </For>
    </ul>
  );
}

function ImageThumb(props: { file: Attachment }) {
  const [src] = createResource(
    () => props.file.url,
    async (url) => URL.createObjectURL(await fetchFile(url)),
  );
  onCleanup(() => {
    const url = src.state === 'ready' ? src() : undefined;
    if (url) URL.revokeObjectURL(url);
  });
  return (
    <Show
      when={src.state === 'ready' && src()}
      fallback={
        <span class="attachment-thumb placeholder" role="img" aria-label={props.file.name}>
          <Show when={src.state === 'errored'}>
            <span class="small error">Could not load {props.file.name}</span>
          </Show>
        </span>
      }
    >
      {(url) => (
        <a class="attachment-thumb" href={url()} target="_blank" rel="noopener" title={`Open ${props.file.name}`}>
          <img src={url()} alt={props.file.name} />
        </a>
      )}
    </Show>
  );
}

function FileLink(props: { file: Attachment }) {
  let problem: HTMLSpanElement | undefined;
  const download = async () => {
    if (problem) problem.textContent = '';
    try {
      saveFile({ blob: await fetchFile(props.file.url), filename: props.file.name });
    } catch (error) {
      if (problem) problem.textContent = requestErrorWords(error);
    }
  };
  return (
    <span class="attachment-file">
      <FileIcon />
      <a
        href={props.file.url}
        download={props.file.name}
        onClick={(e) => {
          e.preventDefault();
          void download();
        }}
      >
        {props.file.name}
      </a>
      <span class="muted small">
        {props.file.kind === 'pdf' ? 'PDF' : 'Text'} · {sizeWords(props.file.size)}
      </span>
      <span class="error small" role="status" ref={problem} />
    </span>
  );
}
