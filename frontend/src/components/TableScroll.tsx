import type { ParentProps } from 'solid-js';

/** A table's named, focusable scroll region: wide tables scroll sideways in it on narrow screens (pages.css). */
export function TableScroll(props: ParentProps<{ label: string }>) {
  return (
    // biome-ignore lint/a11y/useSemanticElements: a named, focusable scroll region around the table, as axe asks; not a document section
    <div class="table-scroll" role="region" aria-label={props.label} tabindex="0">
      {props.children}
    </div>
  );
}
