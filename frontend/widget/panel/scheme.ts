// One stylesheet text serves the three schemes a site can choose: written for "auto" with
// `@media (prefers-color-scheme: dark)` blocks, which are dropped for "light" and applied
// unconditionally for "dark". The Markdown chunk's own stylesheet is treated the same way.
import type { Site } from '../types.ts';

/** A constructed stylesheet from `css`, for the site's scheme. */
export function schemedSheet(css: string, scheme: Site['theme']['scheme']): CSSStyleSheet {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  if (scheme === 'auto') return sheet;
  for (let i = sheet.cssRules.length - 1; i >= 0; i--) {
    const rule = sheet.cssRules[i];
    if (!(rule instanceof CSSMediaRule) || !/prefers-color-scheme:\s*dark/.test(rule.media.mediaText)) continue;
    const inner = Array.from(rule.cssRules, (r) => r.cssText);
    sheet.deleteRule(i);
    if (scheme === 'dark') for (const text of inner.reverse()) sheet.insertRule(text, i);
  }
  return sheet;
}
