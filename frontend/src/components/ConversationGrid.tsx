// The sidebar's conversations as one composite widget (WAI-ARIA's layout grid, as in the Authoring
// Practices' list of links with a remove button each): one Tab stop for the whole list, on the
// conversation last reached there (else the open one, else the first); Up/Down move between
// conversations, Home/End to the first and last, Right/Left through a row's link, Pin, Rename and
// Delete; Enter opens (the link's own), F2 renames, Delete asks to delete. Date groups are row groups
// named by their headings. The mouse sees the same rows as before.
import { createMemo, createSignal, For, Index } from 'solid-js';
import type { Conversation } from '../lib/api.ts';
import type { DateGroup } from '../lib/date-groups.ts';
import { ConversationRow, LAST_COLUMN } from './ConversationRow.tsx';

type Cell = { id: string; column: number; index: number };

export function ConversationGrid(props: {
  groups: DateGroup<Conversation>[];
  currentId?: string;
  renamingId?: string;
  onOpen: () => void;
  onStartRename: (conversation: Conversation) => void;
  onRename: (conversation: Conversation, title: string | undefined) => void;
  onPin: (conversation: Conversation) => void;
  onDelete: (conversation: Conversation) => void;
}) {
  let grid!: HTMLTableElement;
  const rows = createMemo(() => props.groups.flatMap((group) => group.items.map((c) => c.id)));
  const [cursor, setCursor] = createSignal<Cell>();
  // The one cell in the Tab order. A row that went away (deleted) hands it to the row now in its place.
  const active = createMemo((): Omit<Cell, 'index'> => {
    const ids = rows();
    const at = cursor();
    if (at && ids.includes(at.id)) return at;
    if (at && ids.length > 0) return { id: ids[Math.min(at.index, ids.length - 1)]!, column: 0 };
    return { id: props.currentId && ids.includes(props.currentId) ? props.currentId : (ids[0] ?? ''), column: 0 };
  });

  const cellOf = (target: EventTarget | null) => {
    const element = target instanceof Element ? target.closest<HTMLElement>('[data-column]') : null;
    const id = element?.closest<HTMLElement>('[data-row]')?.dataset.row;
    if (!element || !id) return undefined;
    return { id, column: Number(element.dataset.column), index: rows().indexOf(id) };
  };

  const focusCell = (index: number, column: number) => {
    const id = rows()[index];
    if (id === undefined) return;
    setCursor({ id, column, index });
    grid.querySelector<HTMLElement>(`[data-row="${CSS.escape(id)}"] [data-column="${column}"]`)?.focus();
  };

  /** Focus back on a row's title, once it is on screen again (after renaming). */
  const focusTitleSoon = (id: string) =>
    requestAnimationFrame(() => {
      const index = rows().indexOf(id);
      if (index >= 0) focusCell(index, 0);
    });

  const conversationOf = (id: string) => props.groups.flatMap((group) => group.items).find((c) => c.id === id);

  const onKeyDown = (event: KeyboardEvent) => {
    // The rename field keeps its keys (arrows move the caret, Delete deletes a character).
    if (event.defaultPrevented || event.altKey || event.target instanceof HTMLInputElement) return;
    const at = cellOf(event.target);
    if (!at) return;
    const last = rows().length - 1;
    const keys: Record<string, () => void> = {
      ArrowDown: () => focusCell(Math.min(at.index + 1, last), at.column),
      ArrowUp: () => focusCell(Math.max(at.index - 1, 0), at.column),
      Home: () => focusCell(0, 0),
      End: () => focusCell(last, 0),
      ArrowRight: () => focusCell(at.index, Math.min(at.column + 1, LAST_COLUMN)),
      ArrowLeft: () => focusCell(at.index, Math.max(at.column - 1, 0)),
      F2: () => {
        const c = conversationOf(at.id);
        if (c) props.onStartRename(c);
      },
      Delete: () => {
        const c = conversationOf(at.id);
        if (c) props.onDelete(c);
      },
    };
    const action = keys[event.key];
    // Ctrl+Home and Ctrl+End as in a grid; other modified keys are someone else's (Ctrl+K, …).
    const modified = event.shiftKey || event.metaKey || (event.ctrlKey && event.key !== 'Home' && event.key !== 'End');
    if (!action || modified) return;
    event.preventDefault();
    action();
  };

  return (
    <table
      ref={grid}
      // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: a table made a grid, as in the ARIA Authoring Practices' grid examples
      role="grid"
      class="conversation-grid"
      aria-label="Conversations"
      aria-describedby="conversation-grid-keys"
      onKeyDown={onKeyDown}
      onFocusIn={(event) => {
        const at = cellOf(event.target);
        if (at) setCursor(at);
      }}
    >
      <caption id="conversation-grid-keys" class="visually-hidden">
        Arrow keys move between conversations and their actions; F2 renames, Delete deletes.
      </caption>
      {/* By position, not by group object: a refreshed list makes new groups, and re-creating their
          rows would take a title being renamed from under the reader (its input, and its focus). */}
      <Index each={props.groups}>
        {(group, index) => (
          <tbody class="conversation-group" aria-labelledby={`conversation-group-${index}`}>
            <tr class="group-row">
              <td colSpan={LAST_COLUMN + 1}>
                <h2 class="group-label" id={`conversation-group-${index}`}>
                  {group().label}
                </h2>
              </td>
            </tr>
            <For each={group().items}>
              {(conversation) => (
                <ConversationRow
                  conversation={conversation}
                  current={props.currentId === conversation.id}
                  renaming={props.renamingId === conversation.id}
                  tabColumn={active().id === conversation.id ? active().column : -1}
                  onOpen={() => props.onOpen()}
                  onStartRename={() => props.onStartRename(conversation)}
                  onRename={(title, refocus) => {
                    props.onRename(conversation, title);
                    if (refocus) focusTitleSoon(conversation.id);
                  }}
                  onPin={() => props.onPin(conversation)}
                  onDelete={() => props.onDelete(conversation)}
                />
              )}
            </For>
          </tbody>
        )}
      </Index>
    </table>
  );
}

/** After a conversation was deleted from the list with focus in it: focus lands on the row now in its place. */
export function refocusGrid() {
  requestAnimationFrame(() => {
    if (document.activeElement && document.activeElement !== document.body) return;
    document.querySelector<HTMLElement>('.conversation-grid [tabindex="0"]')?.focus();
  });
}
