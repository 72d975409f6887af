import { createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import type { Model } from '../lib/api.ts';
import { type Attachments, type Upload, uploadKinds } from '../lib/attachments.ts';
import { cannotReadWords } from '../lib/models.ts';
import { ACCEPTED_FILES, type Attachment, sizeWords } from '../lib/files.ts';
import { FileIcon, PaperclipIcon } from './icons.tsx';

/** Whether the main pointer is a finger: a touch keyboard has no Shift+Enter to speak of. */
function useCoarsePointer() {
  const query = matchMedia('(pointer: coarse)');
  const [coarse, setCoarse] = createSignal(query.matches);
  const changed = () => setCoarse(query.matches);
  query.addEventListener('change', changed);
  onCleanup(() => query.removeEventListener('change', changed));
  return coarse;
}

/** Enter sends, Shift+Enter starts a new line (said where there is a keyboard); while a reply streams, Stop replaces Send. */
export function Composer(props: {
  streaming: boolean;
  onSend: (text: string, attachments: Attachment[]) => Promise<boolean> | boolean;
  /** The files attached (owned by the view, so a drop on the conversation adds to them). */
  files: Attachments;
  /** The model chosen: a file of a kind it cannot read is marked so, and Send waits. */
  model: Model | undefined;
  onStop: () => void;
  autofocus?: boolean;
  /** Text to start with (a message that was not sent). */
  initial?: string;
}) {
  const [text, setText] = createSignal(props.initial ?? '');
  const touch = useCoarsePointer();
  let field!: HTMLTextAreaElement;
  // The autofocus attribute works on a page load only; opening a conversation in the app is not one.
  // A touch screen is left alone: focusing there would pop up its keyboard unasked.
  onMount(() => {
    if (props.autofocus && matchMedia('(pointer: fine)').matches) field.focus();
  });

  let picker!: HTMLInputElement;
  const cannotRead = () => cannotReadWords(props.model, props.files.kinds());
  /** Why Send cannot be pressed now, in words (none when it can, or when there is simply nothing typed). */
  const blocked = () =>
    props.files.pending() > 0
      ? 'Wait for the files to finish uploading.'
      : cannotRead()
        ? `${cannotRead()}: pick another model or remove the file.`
        : undefined;
  const submit = async () => {
    const content = text().trim();
    if (!content || props.streaming || blocked()) return;
    const taken = props.files.take();
    setText('');
    // Focus stays where the text is typed; once the send is over (the whole reply, or its refusal),
    // focus is taken back only if nothing else has it: a title being renamed meanwhile keeps it.
    field.focus();
    const sent = await props.onSend(
      content,
      taken.map((u) => u.stored!),
    );
    if (!sent) {
      setText(content);
      props.files.restore(taken);
    }
    if (document.activeElement === document.body) field.focus();
  };

  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      onPaste={(e) => {
        const pasted = [...(e.clipboardData?.files ?? [])];
        if (pasted.length === 0) return;
        e.preventDefault();
        props.files.add(pasted);
      }}
    >
      <Show when={props.files.uploads.length > 0}>
        <ul class="attachment-chips" aria-label="Files to send">
          <For each={props.files.uploads}>
            {(upload) => (
              <Chip
                upload={upload}
                onRemove={props.files.remove}
                unreadable={cannotReadWords(props.model, new Set(uploadKinds(upload)))}
              />
            )}
          </For>
        </ul>
      </Show>
      <p class="visually-hidden" role="status">
        {props.files.announcement()}
      </p>
      <Show when={blocked()}>
        {(why) => (
          <p id="composer-blocked" class="composer-blocked small" classList={{ error: !!cannotRead() }}>
            {why()}
          </p>
        )}
      </Show>
      <div class="composer-row">
        <input
          ref={picker}
          type="file"
          multiple
          accept={ACCEPTED_FILES}
          hidden
          aria-label="Attach files"
          onChange={(e) => {
            props.files.add([...(e.currentTarget.files ?? [])]);
            e.currentTarget.value = '';
          }}
        />
        <button
          type="button"
          class="ghost attach"
          aria-label="Attach files"
          title="Attach files (images, PDF, text)"
          onClick={() => picker.click()}
        >
          <PaperclipIcon />
        </button>
        <label for="composer-input" class="visually-hidden">
          Message
        </label>
        <textarea
          id="composer-input"
          ref={field}
          rows={1}
          placeholder={
            props.streaming
              ? 'Wait for the reply, or press Stop…'
              : touch()
                ? 'Message Parley'
                : 'Message Parley (Enter to send, Shift+Enter for a new line)'
          }
          value={text()}
          autofocus={props.autofocus}
          aria-disabled={props.streaming}
          onInput={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              void submit();
            }
          }}
        />
        <Show
          when={props.streaming}
          fallback={
            <button
              type="submit"
              class="primary"
              disabled={!text().trim() || !!blocked()}
              aria-describedby={blocked() ? 'composer-blocked' : undefined}
            >
              Send
            </button>
          }
        >
          <button type="button" class="danger" onClick={() => props.onStop()}>
            Stop
          </button>
        </Show>
      </div>
    </form>
  );
}

/** One file in the composer: its thumbnail or icon and name, its progress or refusal, and Remove. */
function Chip(props: { upload: Upload; onRemove: (key: string) => void; unreadable?: string | undefined }) {
  const u = () => props.upload;
  return (
    <li class="attachment-chip" classList={{ refused: u().status === 'refused' || !!props.unreadable }}>
      <Show
        when={u().preview}
        fallback={
          <span class="chip-icon">
            <FileIcon />
          </span>
        }
      >
        {(src) => <img class="chip-thumb" src={src()} alt="" />}
      </Show>
      <span class="chip-text">
        <span class="chip-name">{u().name}</span>
        <Show when={u().status === 'uploading'}>
          <span
            class="chip-progress"
            role="progressbar"
            aria-label={`Uploading ${u().name}`}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round(u().progress * 100)}
          >
            <span style={{ width: `${Math.round(u().progress * 100)}%` }} />
          </span>
        </Show>
        <Show when={u().status === 'stored'}>
          <span class="chip-size muted">{sizeWords(u().stored?.size ?? u().size)}</span>
        </Show>
        <Show when={u().status !== 'refused' && props.unreadable}>
          {(why) => <span class="chip-problem error">{why()}</span>}
        </Show>
        <Show when={u().status === 'refused'}>
          <span class="chip-problem error">{u().problem}</span>
        </Show>
      </span>
      <button
        type="button"
        class="ghost chip-remove"
        aria-label={`Remove ${u().name}`}
        onClick={() => props.onRemove(u().key)}
      >
        ×
      </button>
    </li>
  );
}
