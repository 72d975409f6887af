import { Show } from 'solid-js';
import { A } from '@solidjs/router';
import type { Conversation } from '../lib/api.ts';
import { PencilIcon, PinIcon, TrashIcon } from './icons.tsx';

const titleOf = (conversation: Conversation) => conversation.title ?? 'New conversation';

/** The row's cells, left to right: the title (0), Pin (1), Rename (2), Delete (3). */
export const LAST_COLUMN = 3;

/**
 * One conversation in the sidebar's grid: its full title on hover, and pin, rename and delete; or
 * its rename field. `tabColumn` is the cell in the Tab order (-1: none, the grid's roving tabindex).
 */
export function ConversationRow(props: {
  conversation: Conversation;
  current: boolean;
  renaming: boolean;
  tabColumn: number;
  onOpen: () => void;
  onStartRename: () => void;
  /** `refocus`: the rename ended from the keyboard (Enter, Esc), so focus goes back to the row. */
  onRename: (title: string | undefined, refocus: boolean) => void;
  onPin: () => void;
  onDelete: () => void;
}) {
  const c = () => props.conversation;
  const tab = (column: number) => (props.tabColumn === column ? 0 : -1);
  return (
    <tr class="conversation-row" classList={{ current: props.current }} data-row={c().id}>
      <Show
        when={props.renaming}
        fallback={
          <>
            <td class="title-cell">
              <A
                href={`/c/${c().id}`}
                title={titleOf(c())}
                aria-current={props.current ? 'page' : undefined}
                tabindex={tab(0)}
                data-column="0"
                onClick={() => props.onOpen()}
              >
                {titleOf(c())}
              </A>
            </td>
            <td class="item-action">
              <button
                type="button"
                class="icon"
                aria-label={`${c().pinnedAt ? 'Unpin' : 'Pin'} "${titleOf(c())}"`}
                aria-pressed={c().pinnedAt !== null}
                tabindex={tab(1)}
                data-column="1"
                onClick={() => props.onPin()}
              >
                <PinIcon filled={c().pinnedAt !== null} />
              </button>
            </td>
            <td class="item-action">
              <button
                type="button"
                class="icon"
                aria-label={`Rename "${titleOf(c())}"`}
                aria-keyshortcuts="F2"
                tabindex={tab(2)}
                data-column="2"
                onClick={() => props.onStartRename()}
              >
                <PencilIcon />
              </button>
            </td>
            <td class="item-action">
              <button
                type="button"
                class="icon"
                aria-label={`Delete "${titleOf(c())}"`}
                aria-keyshortcuts="Delete Backspace"
                tabindex={tab(3)}
                data-column="3"
                onClick={() => props.onDelete()}
              >
                <TrashIcon />
              </button>
            </td>
          </>
        }
      >
        <td class="rename-cell" colSpan={LAST_COLUMN + 1}>
          <form
            class="rename"
            onSubmit={(e) => {
              e.preventDefault();
              props.onRename((e.currentTarget.elements.namedItem('title') as HTMLInputElement).value, true);
            }}
          >
            <label class="visually-hidden" for={`rename-${c().id}`}>
              New title
            </label>
            <input
              id={`rename-${c().id}`}
              name="title"
              value={c().title ?? ''}
              maxLength={200}
              ref={(el) => queueMicrotask(() => el.select())}
              onKeyDown={(e) => {
                if (e.key === 'Escape') props.onRename(undefined, true);
              }}
              onBlur={(e) => props.onRename(e.currentTarget.value, false)}
            />
          </form>
        </td>
      </Show>
    </tr>
  );
}
