// The public page of a share link, as server HTML: readable with no script at all, in the app's
// colours and type (light and dark), with a preview card for chat apps and social sites. Every
// piece of text from the conversation is escaped. Replies are rendered from their Markdown by the
// app's own safe renderer (raw HTML shown as text, only http(s) and mailto links, images as links
// never loaded), with plain code blocks; the person's messages show as written, as in the app.
import type { SharedMessage } from '../../drizzle/schema.ts';
import { escapeHtml, safeMarkdown } from '../markdown/safe-markdown.ts';
import { MODELS } from '../providers/registry.ts';

let renderMarkdown: ((text: string) => string) | undefined;
/** A reply's Markdown as safe HTML (the renderer is made on the first page, not at startup). */
const markdown = (text: string) => (renderMarkdown ??= safeMarkdown())(text);

/** The preview card's description: the first message, on one line, cut at a word near 160 characters. */
export function describeConversation(messages: SharedMessage[]): string {
  const first = (messages[0]?.content ?? '').replace(/\s+/g, ' ').trim();
  if (first.length <= 160) return first;
  const cut = first.slice(0, 159);
  const space = cut.lastIndexOf(' ');
  return `${(space > 100 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

const modelLabel = (id: string | null) => (id ? (MODELS.find((m) => m.id === id)?.label ?? id) : 'Assistant');

const day = (date: Date) =>
  date.toLocaleDateString('en', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });

export const SHARE_PAGE_CSS = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1d21;--muted:#5b6270;--border:#d8dce3;--surface:#f4f5f8;--accent:#3547d8;--user:#e8ecff;--radius:10px;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
@media (prefers-color-scheme:dark){:root{--bg:#14161a;--fg:#e8eaee;--muted:#a3aab8;--border:#343842;--surface:#1d2026;--accent:#8c9bff;--user:#262c45}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg)}
a{color:var(--accent)}
:focus-visible{outline:3px solid #2f6fed;outline-offset:2px}
header.top{display:flex;align-items:center;gap:1rem;padding:.75rem 1.25rem;border-bottom:1px solid var(--border)}
header.top .brand{font-weight:700;text-decoration:none;color:var(--fg);font-size:1.1rem}
header.top .note{color:var(--muted);font-size:.9rem}
main{max-width:48rem;margin:0 auto;padding:1.5rem 1.25rem 3rem}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 .25rem}
.meta{color:var(--muted);font-size:.9rem;margin:0 0 1.5rem}
.message{margin:0 0 1.25rem}
.message.user{display:flex;flex-direction:column;align-items:flex-end}
.message-head{font-size:.85rem;color:var(--muted);margin-bottom:.2rem;font-weight:600}
.text{overflow-wrap:anywhere;margin:0;max-width:100%}
.message.user .text{white-space:pre-wrap;background:var(--user);border-radius:var(--radius);padding:.55rem .85rem;max-width:85%}
.markdown>:first-child{margin-top:0}
.markdown>:last-child{margin-bottom:0}
.markdown p,.markdown ul,.markdown ol,.markdown pre,.markdown blockquote,.markdown table{margin:0 0 .75rem}
.markdown h1,.markdown h2,.markdown h3,.markdown h4,.markdown h5,.markdown h6{font-size:1.1rem;line-height:1.3;margin:1.1rem 0 .5rem}
.markdown code{font:.9em ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--surface);border-radius:4px;padding:.1em .3em}
.markdown pre{background:var(--surface);border:1px solid var(--border);border-radius:var(--radius);padding:.75rem 1rem;overflow-x:auto}
.markdown pre code{background:none;padding:0;font-size:.875rem}
.markdown blockquote{border-left:3px solid var(--border);padding-left:1rem;color:var(--muted)}
.markdown table{border-collapse:collapse}
.markdown th,.markdown td{border:1px solid var(--border);padding:.3rem .6rem;text-align:left}
.markdown .raw-html{white-space:pre-wrap}
.gone{text-align:center;margin-top:15vh}
.gone p{color:var(--muted)}
footer{color:var(--muted);font-size:.85rem;border-top:1px solid var(--border);padding-top:1rem;margin-top:2rem}
`;

type Head = { title: string; description?: string; url?: string };

function document(head: Head, body: string): string {
  const title = escapeHtml(head.title);
  const card = head.description === undefined ? '' : previewCard({ ...head, description: head.description });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${title}</title>
${card}<style>${SHARE_PAGE_CSS}</style>
</head>
<body>
<header class="top"><a class="brand" href="/">Parley</a><span class="note">A shared conversation, read-only</span></header>
<main>
${body}
</main>
</body>
</html>
`;
}

/** Open Graph and Twitter's card: what a link preview shows. */
function previewCard(head: Required<Pick<Head, 'title' | 'description'>> & Head): string {
  const tags: [string, string, string][] = [
    ['property', 'og:type', 'article'],
    ['property', 'og:site_name', 'Parley'],
    ['property', 'og:title', head.title],
    ['property', 'og:description', head.description],
    ...(head.url ? ([['property', 'og:url', head.url]] as [string, string, string][]) : []),
    ['name', 'twitter:card', 'summary'],
    ['name', 'twitter:title', head.title],
    ['name', 'twitter:description', head.description],
    ['name', 'description', head.description],
  ];
  return tags.map(([attr, key, value]) => `<meta ${attr}="${key}" content="${escapeHtml(value)}">\n`).join('');
}

/** A live link: the conversation's title, when it was shared, and every message of the snapshot. */
export function sharePage(share: { title: string | null; messages: SharedMessage[]; createdAt: Date; url: string }) {
  const title = share.title?.trim() || 'A conversation';
  const messages = share.messages
    .map((m) => {
      const who = m.role === 'user' ? 'User' : modelLabel(m.model);
      return `<article class="message ${m.role}" aria-label="${escapeHtml(who)}">
<div class="message-head">${escapeHtml(who)}</div>
${m.role === 'user' ? `<p class="text">${escapeHtml(m.content)}</p>` : `<div class="text markdown">${markdown(m.content)}</div>`}
</article>`;
    })
    .join('\n');
  return document(
    { title: `${title} · Parley`, description: describeConversation(share.messages), url: share.url },
    `<h1>${escapeHtml(title)}</h1>
<p class="meta">Shared on ${day(share.createdAt)} · ${share.messages.length} ${share.messages.length === 1 ? 'message' : 'messages'}. Messages sent after it was shared are not shown.</p>
${messages}
<footer>Shared from <a href="/">Parley</a>, where people chat with Claude, OpenAI and Gemini models.</footer>`,
  );
}

const GONE_WORDS = {
  missing: [
    'This link does not exist',
    'There is no shared conversation at this address. Check the link you were given.',
  ],
  revoked: ['This link was revoked', 'The person who shared this conversation has stopped sharing it.'],
  expired: ['This link has expired', 'The person who shared this conversation set it to stop being shared.'],
} as const;

/** The page of a link that shows nothing: unknown, revoked or expired. */
export function gonePage(why: keyof typeof GONE_WORDS): string {
  const [heading, words] = GONE_WORDS[why];
  return document(
    { title: `${heading} · Parley` },
    `<div class="gone"><h1>${heading}</h1>
<p>${words}</p></div>`,
  );
}

/** The database could not be reached: nothing is lost, try again. */
export function unavailablePage(): string {
  return document(
    { title: 'Try again shortly · Parley' },
    `<div class="gone"><h1>This conversation cannot be shown right now</h1>
<p>Parley cannot reach its database at the moment. Reload this page in a minute.</p></div>`,
  );
}
