/**
 * Markdown from AI models to HTML that is safe to put in a page: the one renderer behind the app's
 * replies (frontend/src/markdown/render.ts, which adds highlighted code blocks) and the public share
 * page (worker/sharing/share-page.ts, plain code blocks: highlight.js is too big for the Worker).
 *
 * Safe by construction, so no sanitizer: every renderer that puts source text into the output is
 * overridden here, and
 * - all source text is escaped (`<`, `>`, `"`, `'` always; `&` unless it starts a character
 *   reference, which the browser can only ever decode to text), raw HTML blocks and tags included;
 * - the only attribute values taken from the source are link hrefs and titles (and what the
 *   caller's code renderer takes); hrefs are parsed with the URL parser the browser uses, kept only
 *   for http:, https: and mailto:, and written back as that parser's serialisation, fully escaped,
 *   so the browser navigates to exactly the URL that was checked;
 * - images become links (nothing is fetched by viewing a message).
 * Every other element marked emits (p, lists, tables, headings, em, …) carries no source text in
 * attributes. test/node/markdown.test.ts parses the output of an XSS corpus to hold this.
 */
import { Marked, type Tokens } from 'marked';

const LINK_ATTRIBUTES = 'rel="noopener noreferrer nofollow" target="_blank"';
const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes everything: for code, raw HTML and attribute values. */
export function escapeHtml(text: string): string {
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

/** A fenced or indented code block as HTML; its text must be escaped (or highlighted, which escapes). */
export type CodeBlockRenderer = (code: string, tag: string) => string;

/** A code block with no highlighting: focusable, so one wider than the page can be scrolled from the keyboard. */
export const plainCodeBlock: CodeBlockRenderer = (code) => `<pre tabindex="0"><code>${escapeHtml(code)}</code></pre>\n`;

/**
 * A renderer of Markdown to safe HTML that never throws: `codeBlock` writes code blocks (given
 * their text and the first word of their info string, at most 40 characters). A failure, never
 * expected, shows the text escaped, and is handed to `onError`.
 */
export function safeMarkdown(
  codeBlock: CodeBlockRenderer = plainCodeBlock,
  onError: (error: unknown) => void = () => {},
): (text: string) => string {
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
        return codeBlock(text, (lang ?? '').trim().split(/\s/, 1)[0]!.slice(0, 40));
      },
    },
  });
  return (text) => {
    try {
      return marked.parse(text, { async: false });
    } catch (error) {
      inLink = false;
      onError(error);
      return `<p class="raw-html">${escapeHtml(String(text))}</p>`;
    }
  };
}
