// Where the widget's element goes on the host page, so that the page's CSS cannot move, shrink,
// clip or cover it (issue 23). A page's `transform`, `filter`, `contain` or `will-change` on html
// or body makes that element the containing block of position: fixed, and its overflow, zoom and
// z-index reach everything inside it. The top layer is free of all of them: the widget's element
// is a manual popover, shown at once. A manual popover never closes the page's own popovers, and
// the page's auto popovers and dialogs never close it. Without the Popover API the element goes on
// <html> after <body>, out of reach of whatever the page does to its body.

/** Puts `host` on the page, in the top layer where the browser has one, and keeps it there. */
export function place(host: HTMLElement, shadow: ShadowRoot): void {
  // `zoom` is inherited even into the top layer: undo the page's on html (the page's zoom on body
  // does not reach <html>'s other children).
  const unzoom = new CSSStyleSheet();
  shadow.adoptedStyleSheets = [...shadow.adoptedStyleSheets, unzoom];
  const fitZoom = () => {
    const zoom = (document.documentElement as { currentCSSZoom?: number }).currentCSSZoom ?? 1;
    unzoom.replaceSync(zoom > 0 && zoom !== 1 ? `:host{zoom:${1 / zoom} !important}` : '');
  };
  document.documentElement.append(host);
  fitZoom();
  addEventListener('resize', fitZoom); // a page's media queries may change its zoom

  if (typeof host.showPopover !== 'function') return;
  host.popover = 'manual';
  host.showPopover();
  // The top layer stacks in the order elements joined it. A manual popover the page shows later
  // (a toast, a banner) would cover the launcher for as long as it stays: the widget shows itself
  // again above it. Transient layers (menus and tooltips, auto and hint popovers, which the visitor
  // dismisses with a click or Escape) and modal dialogs (which make everything else inert) stay on top.
  let lastRaised = Number.NEGATIVE_INFINITY;
  document.addEventListener(
    'toggle',
    (event) => {
      const layer = event.target;
      if (layer === host || !(layer instanceof HTMLElement) || layer.popover !== 'manual') return;
      if (!layer.matches(':popover-open')) return;
      // Another element doing the same as this one would otherwise take turns with it forever.
      if (performance.now() - lastRaised < 1000) return;
      lastRaised = performance.now();
      // Hiding a manual popover moves no focus, and the element keeps its box (:host's reset
      // overrides the browser's display: none), so the visitor's focus and text stay as they were.
      if (host.matches(':popover-open')) host.hidePopover();
      host.showPopover();
    },
    true, // toggle does not bubble
  );
}
