// The widget's element on the host page: a <parley-widget> whose shadow root holds the launcher
// button (and later the panel), placed where the page's CSS cannot move it (placement.ts). Styles are constructed stylesheets only, which a strict
// Content-Security-Policy allows where <style> elements and style attributes are refused.
import css from './launcher.css?inline';
import { place } from './placement.ts';
import type { Site } from '../types.ts';

const CHAT_ICON = 'M7.9 20A9 9 0 1 0 4 16.1L2 22Z';
const CLOSE_ICON = 'M18 6 6 18M6 6l12 12';

export type Frame = {
  host: HTMLElement;
  shadow: ShadowRoot;
  root: HTMLElement;
  launcher: HTMLButtonElement;
  /** Colours and corner from the site's theme (the defaults when it is unknown). */
  theme(site: Site | undefined): void;
  expanded(open: boolean): void;
};

/** An inline SVG icon (nothing is fetched), hidden from screen readers: its button is labelled. */
export function icon(path: string, className = ''): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  if (className) svg.setAttribute('class', className);
  const shape = document.createElementNS(ns, 'path');
  shape.setAttribute('d', path);
  svg.append(shape);
  return svg;
}

export function createFrame(): Frame {
  const host = document.createElement('parley-widget');
  // Open, so the host page's tests and accessibility checkers can see inside; it changes nothing
  // for styles, which cross a shadow boundary either way only by inheritance (reset on :host).
  const shadow = host.attachShadow({ mode: 'open' });
  const base = new CSSStyleSheet();
  base.replaceSync(css);
  const themeSheet = new CSSStyleSheet();
  shadow.adoptedStyleSheets = [base, themeSheet];

  const root = document.createElement('div');
  root.className = 'root';
  const launcher = document.createElement('button');
  launcher.type = 'button';
  launcher.className = 'launcher';
  launcher.setAttribute('aria-haspopup', 'dialog');
  launcher.append(icon(CHAT_ICON, 'chat'), icon(CLOSE_ICON, 'close'));
  root.append(launcher);
  shadow.append(root);
  place(host, shadow);

  const frame: Frame = {
    host,
    shadow,
    root,
    launcher,
    theme(site) {
      const colour = accent(site?.theme.color);
      themeSheet.replaceSync(colour ? `.root{--accent:${colour.accent};--on-accent:${colour.on}}` : '');
      root.classList.toggle('left', site?.theme.position === 'bottom-left');
    },
    expanded(open) {
      launcher.setAttribute('aria-expanded', String(open));
      launcher.setAttribute('aria-label', open ? 'Close chat' : 'Open chat');
    },
  };
  frame.expanded(false);
  return frame;
}

/**
 * The site's colour if it is a hex colour (the only form taken into a stylesheet, so nothing else
 * can be injected), with black or white on it, whichever contrasts more.
 */
function accent(color: string | undefined): { accent: string; on: string } | undefined {
  const hex = /^#([\da-f]{3}|[\da-f]{6})$/i.exec(color ?? '')?.[1];
  if (!hex) return undefined;
  const full = hex.length === 3 ? hex.replace(/./g, '$&$&') : hex;
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = Number.parseInt(full.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return { accent: `#${full}`, on: 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.05 ? '#fff' : '#000' };
}
