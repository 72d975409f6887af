// The app's keyboard shortcuts, and the help that lists them (`?` when not typing). Esc to stop a
// reply belongs to the conversation (ConversationView), but is listed here with the others.
import { For, onCleanup, onMount } from 'solid-js';
import { useNavigate } from '@solidjs/router';

const mod = /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl';

const SHORTCUTS: Array<[keys: string, what: string]> = [
  [`${mod}+Shift+O`, 'New conversation'],
  [`${mod}+K`, 'Search conversations'],
  ['Enter', 'Send the message'],
  ['Shift+Enter', 'New line in the message'],
  ['Esc', 'Stop the reply being written'],
  ['↑ ↓ Home End', 'Move between conversations in the list, or between search results'],
  ['← →', "Reach a conversation's Pin, Rename and Delete"],
  ['F2 / Delete or Backspace', 'Rename / delete the conversation in the list'],
  ['?', 'Show these shortcuts (when not typing)'],
];

/** Whether a key press is someone typing text (where `?` is a character, not a command). */
export function isTyping(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable ||
      target instanceof HTMLTextAreaElement ||
      target instanceof HTMLSelectElement ||
      (target instanceof HTMLInputElement && !['button', 'checkbox', 'radio', 'submit'].includes(target.type)))
  );
}

export function Shortcuts() {
  const navigate = useNavigate();
  let dialog!: HTMLDialogElement;

  const focusSoon = (selector: string) =>
    requestAnimationFrame(() => document.querySelector<HTMLElement>(selector)?.focus());

  const onKey = (event: KeyboardEvent) => {
    if (event.defaultPrevented || dialog.open) return;
    const key = event.key.toLowerCase();
    const command = event.ctrlKey || event.metaKey;
    if (command && event.shiftKey && key === 'o') {
      event.preventDefault();
      navigate('/');
      focusSoon('#composer-input');
    } else if (command && !event.shiftKey && key === 'k') {
      event.preventDefault();
      const search = () => document.querySelector<HTMLInputElement>('.sidebar input[type="search"]');
      if (search()) search()!.focus();
      else {
        navigate('/');
        focusSoon('.sidebar input[type="search"]');
      }
    } else if (event.key === '?' && !command && !event.altKey && !isTyping(event.target)) {
      event.preventDefault();
      dialog.showModal();
    }
  };
  onMount(() => document.addEventListener('keydown', onKey));
  onCleanup(() => document.removeEventListener('keydown', onKey));

  return (
    <dialog ref={dialog} aria-labelledby="shortcuts-title" class="shortcuts">
      <form method="dialog" class="stack">
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <dl>
          <For each={SHORTCUTS}>
            {([keys, what]) => (
              <div>
                <dt>
                  <kbd>{keys}</kbd>
                </dt>
                <dd>{what}</dd>
              </div>
            )}
          </For>
        </dl>
        <div class="row">
          <button type="submit" class="primary" autofocus>
            Close
          </button>
        </div>
      </form>
    </dialog>
  );
}
