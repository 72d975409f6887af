// One Tab stop for a list of rows (WAI-ARIA's grid pattern with a roving tabindex), shared by the
// sidebar's conversations and its search results. Cells are marked in the markup: a row with
// data-row="<id>", its focusable cells with data-column="<n>" from 0. The stop sits on the cell last
// reached (else the preferred row, else the first); Up/Down move between rows, Home/End (with or
// without Ctrl) to the first and last, Right/Left between a row's cells; Enter is the cell's own
// (a link opens). A caller adds keys of its own (F2, Delete) for the row with focus.
import { createMemo, createSignal } from 'solid-js';

type Cell = { id: string; column: number; index: number };

export function createRovingGrid(options: {
  rows: () => string[];
  /** The last cell's column (0: one cell a row). */
  lastColumn: number;
  /** The row that holds the stop until another is reached (the open conversation). */
  preferred?: () => string | undefined;
  /** The caller's own keys (by KeyboardEvent.key) for the row `id`. */
  keys?: (id: string) => Record<string, () => void>;
}) {
  let container: HTMLElement | undefined;
  const [cursor, setCursor] = createSignal<Cell>();
  // The one cell in the Tab order. A row that went away (deleted) hands it to the row now in its place.
  const active = createMemo((): Omit<Cell, 'index'> => {
    const ids = options.rows();
    const at = cursor();
    if (at && ids.includes(at.id)) return at;
    if (at && ids.length > 0) return { id: ids[Math.min(at.index, ids.length - 1)]!, column: 0 };
    const preferred = options.preferred?.();
    return { id: preferred && ids.includes(preferred) ? preferred : (ids[0] ?? ''), column: 0 };
  });

  const cellOf = (target: EventTarget | null): Cell | undefined => {
    const element = target instanceof Element ? target.closest<HTMLElement>('[data-column]') : null;
    const id = element?.closest<HTMLElement>('[data-row]')?.dataset.row;
    if (!element || !id) return undefined;
    return { id, column: Number(element.dataset.column), index: options.rows().indexOf(id) };
  };

  const focusCell = (index: number, column: number) => {
    const id = options.rows()[index];
    if (id === undefined) return;
    setCursor({ id, column, index });
    container?.querySelector<HTMLElement>(`[data-row="${CSS.escape(id)}"] [data-column="${column}"]`)?.focus();
  };

  const onKeyDown = (event: KeyboardEvent) => {
    // A field inside keeps its keys (arrows move the caret, Delete deletes a character).
    if (event.defaultPrevented || event.altKey || event.target instanceof HTMLInputElement) return;
    const at = cellOf(event.target);
    if (!at) return;
    const last = options.rows().length - 1;
    const keys: Record<string, () => void> = {
      ArrowDown: () => focusCell(Math.min(at.index + 1, last), at.column),
      ArrowUp: () => focusCell(Math.max(at.index - 1, 0), at.column),
      Home: () => focusCell(0, 0),
      End: () => focusCell(last, 0),
      ArrowRight: () => focusCell(at.index, Math.min(at.column + 1, options.lastColumn)),
      ArrowLeft: () => focusCell(at.index, Math.max(at.column - 1, 0)),
      ...options.keys?.(at.id),
    };
    const action = keys[event.key];
    // Ctrl+Home and Ctrl+End as in a grid; other modified keys are someone else's (Ctrl+K, …).
    const modified = event.shiftKey || event.metaKey || (event.ctrlKey && event.key !== 'Home' && event.key !== 'End');
    if (!action || modified) return;
    event.preventDefault();
    action();
  };

  return {
    /** For the grid element's ref. */
    ref: (element: HTMLElement) => {
      container = element;
    },
    /** The cell of row `id` in the Tab order (-1: none of its cells). */
    tabColumn: (id: string) => (active().id === id ? active().column : -1),
    /** Focus on a row's first cell, once it is on screen again (after renaming). */
    focusRowSoon: (id: string) =>
      requestAnimationFrame(() => {
        const index = options.rows().indexOf(id);
        if (index >= 0) focusCell(index, 0);
      }),
    onKeyDown,
    /** A cell focused by any means (a click, Tab) holds the stop from then on. */
    onFocusIn: (event: FocusEvent) => {
      const at = cellOf(event.target);
      if (at) setCursor(at);
    },
  };
}
