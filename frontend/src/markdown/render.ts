/**
 * Markdown from AI models to HTML that is safe to assign to innerHTML.
 *
 * Safe by construction, so no DOMPurify (about 9 KB gzip more in this chunk, and a second parser
 * run per animation frame while a reply streams): every renderer that puts source text into the
 * output is overridden here, and
 * - all source text is escaped (`<`, `>`, `"`, `'` always; `&` unless it starts a character
 *   reference, which the browser can only ever decode to text), raw HTML blocks and tags included;
 * - the only attribute values taken from the source are link hrefs and titles, and code labels;
 *   hrefs are parsed with the URL parser the browser uses, kept only for http:, https: and mailto:,
 *   and written back as that parser's serialisation, fully escaped, so the browser navigates to
 *   exactly the URL that was checked;
 * - images become links (nothing is fetched by viewing a message), highlighted code is
 *   highlight.js output, which escapes its input and adds only `<span class="hljs-…">`.
 * Every other element marked emits (p, lists, tables, headings, em, …) carries no source text in
 * attributes. test/node/markdown.test.ts parses the output of an XSS corpus to hold this.
 */
import { Marked, type Tokens } from 'marked';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import markdown from 'highlight.js/lib/languages/markdown';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import shellSession from 'highlight.js/lib/languages/shell';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

// Each grammar also brings its usual aliases (js, ts, py, sh, html, yml, c++, md, …).
const languages = {
  bash,
  c,
  cpp,
  css,
  diff,
  go,
  java,
  javascript,
  json,
  markdown,
  python,
  rust,
  sql,
  typescript,
  xml,
  yaml,
};
for (const [name, language] of Object.entries(languages)) hljs.registerLanguage(name, language);
// Models write ```shell for scripts; highlight.js's "shell" grammar is for `$ `-prompted sessions.
hljs.registerLanguage('console', shellSession);
hljs.registerAliases(['shell'], { languageName: 'bash' });

const LINK_ATTRIBUTES = 'rel="noopener noreferrer nofollow" target="_blank"';
const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes everything: for code, raw HTML and attribute values. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => escapes[ch]!);
}

/**
 * Escapes prose but keeps character references (`&copy;`, and marked's own `&lt;` for `\<`),
 * so it is idempotent; in element content a reference decodes to text, never to markup.
 */
function escapeText(text: string): string {
  return text.replace(/&(?!#\d{1,7};|#x[\da-f]{1,6};|[a-z][a-z\d]{1,31};)|[<>"']/gi, (ch) => escapes[ch]!);
}

const namedReferences: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** CommonMark decodes references in link destinations and titles; marked leaves that to us. */
function decodeReferences(text: string): string {
  return text.replace(
    /&(?:#(\d{1,7})|#x([\da-f]{1,6})|([a-z]+));/gi,
    (ref, dec?: string, hex?: string, name?: string) => {
      if (name !== undefined) return namedReferences[name] ?? ref;
      const code = dec !== undefined ? Number.parseInt(dec, 10) : Number.parseInt(hex!, 16);
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : '\ufffd';
    },
  );
}

/** The URL the browser would follow, or null unless it is absolute http(s) or mailto. */
function safeUrl(href: string): string | null {
  try {
    const url = new URL(decodeReferences(href));
    return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
  } catch {
    return null; // relative or malformed: there is no page for it to be relative to
  }
}

// Streaming re-renders the whole reply every frame; finished code blocks repeat unchanged.
const highlighted = new Map<string, string>();

function highlight(code: string, language: string | undefined): string {
  if (!language) return escapeHtml(code);
  const key = `${language}\u0000${code}`;
  let html = highlighted.get(key);
  if (html === undefined) {
    html = hljs.highlight(code, { language, ignoreIllegals: true }).value;
    if (highlighted.size >= 100) highlighted.delete(highlighted.keys().next().value!);
    highlighted.set(key, html);
  }
  return html;
}

// An image inside a link (a badge) cannot become a link of its own: anchors do not nest.
let inLink = false;

const marked = new Marked({
  gfm: true,
  renderer: {
    html({ text, block }: Tokens.HTML | Tokens.Tag) {
      return block ? `<p class="raw-html">${escapeHtml(text.replace(/\n+$/, ''))}</p>\n` : escapeHtml(text);
    },
    text(token: Tokens.Text | Tokens.Escape) {
      return 'tokens' in token && token.tokens ? this.parser.parseInline(token.tokens) : escapeText(token.text);
    },
    codespan({ text }: Tokens.Codespan) {
      return `<code>${escapeHtml(text)}</code>`;
    },
    link({ href, title, text, tokens, autolink }: Tokens.Link) {
      inLink = true;
      const label = autolink ? escapeHtml(text) : this.parser.parseInline(tokens);
      inLink = false;
      const url = safeUrl(href);
      if (url === null) return label;
      const tooltip = title ? ` title="${escapeHtml(decodeReferences(title))}"` : '';
      return `<a href="${escapeHtml(url)}"${tooltip} ${LINK_ATTRIBUTES}>${label}</a>`;
    },
    image({ href, text, tokens }: Tokens.Image) {
      const alt = escapeText(tokens ? this.parser.parseInline(tokens, this.parser.textRenderer) : text);
      const url = safeUrl(href);
      if (url === null || inLink) return alt || 'image';
      return `<a class="image-link" href="${escapeHtml(url)}" title="Image, not loaded: open in a new tab" ${LINK_ATTRIBUTES}>Image: ${alt || escapeHtml(url)}</a>`;
    },
    code({ text, lang }: Tokens.Code) {
      const tag = (lang ?? '').trim().split(/\s/, 1)[0]!.slice(0, 40);
      const language = tag && hljs.getLanguage(tag) ? tag.toLowerCase() : undefined;
      const label = escapeHtml(tag || 'text');
      const codeClass = language ? `hljs language-${escapeHtml(language)}` : 'hljs';
      return (
        `<div class="code-block"><div class="code-head"><span class="code-lang">${label}</span>` +
        `<button type="button" class="copy" data-copy aria-label="Copy ${label} code">Copy</button></div>` +
        // Focusable, so a code block wider than the reply can be scrolled from the keyboard.
        `<pre tabindex="0"><code class="${codeClass}">${highlight(text, language)}</code></pre></div>\n`
      );
    },
  },
});

/** Safe HTML for a (possibly partial, still streaming) Markdown reply; never throws. */
export function renderMarkdown(text: string): string {
  try {
    return marked.parse(text, { async: false });
  } catch (error) {
    inLink = false;
    console.error('Markdown rendering failed; showing the reply as plain text', error);
    return `<p class="raw-html">${escapeHtml(String(text))}</p>`;
  }
}
