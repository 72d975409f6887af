// Host pages whose own CSS would move, shrink, clip or cover an element the widget put in the
// page (issue 23 item 5): each is served by host-site.ts at /hostile/<name>.html with the widget's
// snippet, as a customer's page would embed it.

/** Per page: what its stylesheet does, and the stylesheet. */
export const HOSTILE_STYLES = {
  // A transformed ancestor becomes the containing block of position: fixed.
  transform: 'body { transform: translateX(-200px) scale(.8); }',
  // So does a filter, even one that changes nothing; on html it is an ancestor of everything.
  filter: 'html, body { filter: blur(0); }',
  // Paint containment makes a containing block and clips to the (short) body.
  'contain-paint': 'body { contain: paint; }',
  'contain-layout': 'body { contain: layout; }',
  'zoom-body': 'body { zoom: 1.5; }',
  'zoom-html': 'html { zoom: .5; }',
  // A zoom that changes with the window's width, after the widget has loaded.
  'zoom-narrow': '@media (max-width: 700px) { html { zoom: 2; } }',
  // Inherited text settings that must not reach inside the widget.
  unset:
    '* { all: unset; } body { font-size: 4px; line-height: 0; } html { direction: rtl; color-scheme: dark; font-size: 4px; }',
  overflow: 'body { overflow: hidden; height: 100px; }',
  // An element of the page's own, on top of everything the page has, covering the corner.
  'z-index':
    '.cover { position: fixed; right: 0; bottom: 0; width: 60vw; height: 60vh; z-index: 2147483647; background: #c33; }',
} as const;

export type HostileStyle = keyof typeof HOSTILE_STYLES;

/** The body of every hostile page: enough text to scroll, and the element the z-index page styles. */
export const HOSTILE_BODY = `<p>${'This page styles itself against the widget. '.repeat(40)}</p><div class="cover"></div>`;

/**
 * A page with top-layer elements of its own, opened by the test: a menu (`popover="auto"`), a
 * toast covering the widget's corner (`popover="manual"`) and a modal dialog, which it dims the
 * page behind with a rule that matches every top-layer element's backdrop.
 */
export const TOP_LAYER_PAGE = {
  head: `<style>
    ::backdrop { background: rgb(0 0 0 / .5); } /* for its dialog, but it matches every backdrop */
    #toast { inset: auto 0 0 auto; margin: 0; width: 60vw; height: 40vh; border: 0; background: #234; color: #fff; }
    #menu { inset: 10px auto auto 10px; margin: 0; }
  </style>`,
  body: `<div id="menu" popover="auto"><a href="/one.html">Menu link</a></div>
    <div id="toast" popover="manual" role="status">Saved.</div>
    <dialog id="dialog" aria-label="The page's dialog"><p>The page's own dialog.</p><form method="dialog"><button>OK</button></form></dialog>`,
};
