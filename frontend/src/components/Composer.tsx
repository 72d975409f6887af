import { createSignal, onCleanup, onMount, Show } from 'solid-js';

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
  onSend: (text: string) => Promise<boolean> | boolean;
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

  const submit = async () => {
    const content = text().trim();
    if (!content || props.streaming) return;
    setText('');
    // Focus stays where the text is typed; once the send is over (the whole reply, or its refusal),
    // focus is taken back only if nothing else has it: a title being renamed meanwhile keeps it.
    field.focus();
    const sent = await props.onSend(content);
    if (!sent) setText(content);
    if (document.activeElement === document.body) field.focus();
  };

  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
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
          <button type="submit" class="primary" disabled={!text().trim()}>
            Send
          </button>
        }
      >
        <button type="button" class="danger" onClick={() => props.onStop()}>
          Stop
        </button>
      </Show>
    </form>
  );
}
