// The sidebar's conversations as one composite widget (WAI-ARIA's layout grid, as in the Authoring
// Practices' list of links with a remove button each): one Tab stop for the whole list, on the
// conversation last reached there (else the open one, else the first); Up/Down move between
// conversations, Home/End to the first and last, Right/Left through a row's link, Pin, Rename and
// Delete; Enter opens (the link's own), F2 renames, Delete (or a Mac's delete key, Backspace) asks
// to delete. Date groups are row groups named by their headings. The mouse sees the same rows as
// before. The keys themselves are lib/roving-grid.ts, shared with the search results.
import { createMemo, For, Index } from 'solid-js';
import type { Conversation } from '../lib/api.ts';
import type { DateGroup } from '../lib/date-groups.ts';
import { createRovingGrid } from '../lib/roving-grid.ts';
import { ConversationRow, LAST_COLUMN } from './ConversationRow.tsx';

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
  const conversationOf = (id: string) => props.groups.flatMap((group) => group.items).find((c) => c.id === id);
  const withConversation = (id: string, act: (c: Conversation) => void) => () => {
    const c = conversationOf(id);
    if (c) act(c);
  };
  const grid = createRovingGrid({
    rows: createMemo(() => props.groups.flatMap((group) => group.items.map((c) => c.id))),
    lastColumn: LAST_COLUMN,
    preferred: () => props.currentId,
    keys: (id) => ({
      F2: withConversation(id, props.onStartRename),
      Delete: withConversation(id, props.onDelete),
      // A Mac keyboard's delete key.
      Backspace: withConversation(id, props.onDelete),
    }),
  });

  return (
    <table
      ref={grid.ref}
      // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: a table made a grid, as in the ARIA Authoring Practices' grid examples
      role="grid"
      class="conversation-grid"
      aria-label="Conversations"
      aria-describedby="conversation-grid-keys"
      onKeyDown={grid.onKeyDown}
      onFocusIn={grid.onFocusIn}
    >
      <caption id="conversation-grid-keys" class="visually-hidden">
        Arrow keys move between conversations and their actions; F2 renames, Delete (or Backspace) deletes.
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
                  tabColumn={grid.tabColumn(conversation.id)}
                  onOpen={() => props.onOpen()}
                  onStartRename={() => props.onStartRename(conversation)}
                  onRename={(title, refocus) => {
                    props.onRename(conversation, title);
                    if (refocus) grid.focusRowSoon(conversation.id);
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
