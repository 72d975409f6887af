import { createSignal, onMount } from 'solid-js';

/** A user message's inline editor: Save & send sends the new text as another version of it; Cancel or Esc leaves it as it was. */
export function MessageEditor(props: { content: string; onSave: (text: string) => void; onCancel: () => void }) {
  const [text, setText] = createSignal(props.content);
  let field!: HTMLTextAreaElement;
  onMount(() => {
    field.focus();
    field.setSelectionRange(field.value.length, field.value.length);
  });
  const save = () => {
    const content = text().trim();
    if (content) props.onSave(content);
  };
  return (
    <form
      class="message-editor"
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <textarea
        ref={field}
        aria-label="Edit your message"
        value={text()}
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            props.onCancel();
          } else if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            save();
          }
        }}
      />
      <div class="message-editor-actions">
        <button type="button" onClick={() => props.onCancel()}>
          Cancel
        </button>
        <button type="submit" class="primary" disabled={!text().trim()}>
          Save & send
        </button>
      </div>
    </form>
  );
}
