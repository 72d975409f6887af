import type { ParentProps } from 'solid-js';

/**
 * A table cell's column name, shown only where the table is laid out as cards (narrow screens,
 * `.cards` in pages.css). Hidden from assistive technology: the column header already names it.
 */
export function CellLabel(props: ParentProps) {
  return (
    <span class="cell-label" aria-hidden="true">
      {props.children}
    </span>
  );
}
