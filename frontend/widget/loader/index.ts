// widget.js, the loader a website embeds:
//   <script src="https://<parley-host>/widget.js" data-site="<site public key>" async></script>
// A classic script (an IIFE with no imports of its own) kept to a launcher, the visitor's session
// and memory; the panel and the Markdown renderer are ES module chunks fetched on first open from
// beside this script (its own src, never the host page's URL). Its one global is
// window.ParleyWidget ({ open, close }).
import { createFrame, icon, type Frame } from './launcher.ts';
import { createSession } from './session.ts';
import { openStore } from './store.ts';
import type { Markdown, Panel, PanelModule, WidgetError } from '../types.ts';

/** Chunk paths relative to this script, written in by the build (frontend/widget/build.ts). */
declare const __PARLEY_PANEL_CHUNK__: string;
declare const __PARLEY_MARKDOWN_CHUNK__: string;

const script = document.currentScript ?? document.querySelector('script[src][data-site]');

if (!('ParleyWidget' in window)) {
  const siteKey = script instanceof HTMLScriptElement ? script.dataset.site?.trim() : undefined;
  if (script instanceof HTMLScriptElement && siteKey) start(script.src, siteKey);
  else console.error('Parley widget: its script tag needs data-site="<your site key>"');
}

function start(src: string, siteKey: string) {
  const store = openStore(siteKey);
  const session = createSession(new URL('/api/widget/', src).href, siteKey, store);
  const chunk = (path: string) => new URL(path, src).href;
  let frame: Frame | undefined;
  let panel: Promise<Panel> | undefined;
  let mounted: Panel | undefined;
  let open = false;

  const load = (ui: Frame) =>
    (panel ??= Promise.all([
      import(/* @vite-ignore */ chunk(__PARLEY_PANEL_CHUNK__)) as Promise<PanelModule>,
      (import(/* @vite-ignore */ chunk(__PARLEY_MARKDOWN_CHUNK__)) as Promise<Markdown>).catch((error: unknown) => {
        console.error('Parley widget: the Markdown renderer did not load; replies show as plain text', error);
        return undefined;
      }),
    ]).then(
      ([module, markdown]) =>
        (mounted = module.mountPanel({
          ...ui,
          store,
          session: { ...session, start: started },
          markdown,
          icon,
          close: () => setOpen(false, true),
        })),
      (error: unknown) => {
        panel = undefined; // the next click tries again
        throw error;
      },
    ));

  /** `focus`: on opening, into the composer; on closing, back to the launcher. */
  const setOpen = (next: boolean, focus: boolean) => {
    open = next;
    store.update({ open: next || undefined });
    if (!frame) return; // applied once the page has a body
    const ui = frame;
    ui.expanded(next);
    if (next) {
      load(ui).then(
        (p) => open && p.show(focus),
        (error: unknown) => {
          console.error('Parley widget: the chat panel did not load', error);
          if (open) setOpen(false, false);
        },
      );
    } else {
      mounted?.hide(); // at once: on phones the launcher is hidden while the panel covers the page
      if (focus) ui.launcher.focus();
    }
  };

  Object.defineProperty(window, 'ParleyWidget', {
    value: Object.freeze({ open: () => setOpen(true, true), close: () => setOpen(false, false) }),
  });

  /** The session, its outcome shown on the launcher's colours and the element's data-status. */
  const started = () =>
    session.start().then(
      (site) => {
        frame?.theme(site);
        if (frame) frame.host.dataset.status = 'ready';
        return site;
      },
      (error: WidgetError) => {
        if (frame)
          frame.host.dataset.status =
            error.code === 'turnstile_required'
              ? 'challenge' // the panel shows the site's Turnstile challenge when opened
              : error.status === 403 || error.status === 404
                ? 'unavailable'
                : 'offline';
        throw error;
      },
    );

  const mount = () => {
    const ui = (frame = createFrame());
    ui.host.dataset.status = 'connecting';
    ui.theme(store.read().site);
    started().catch(() => undefined); // the panel says why, once opened
    ui.launcher.addEventListener('click', () => setOpen(!open, true));
    ui.launcher.addEventListener('keydown', (event) => event.key === 'Escape' && open && setOpen(false, true));
    // Open on the last page, or asked for before the page had a body: reopen without taking focus.
    if (open || store.read().open) setOpen(true, false);
  };
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount, { once: true });
}
