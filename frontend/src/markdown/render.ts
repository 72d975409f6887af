/**
 * Markdown from AI models to HTML that is safe to assign to innerHTML: the shared safe renderer
 * (worker/markdown/safe-markdown.ts, which says how it is safe), with code blocks highlighted by
 * highlight.js, which escapes its input and adds only `<span class="hljs-…">`, under a head with
 * the language and a Copy button.
 */
import { escapeHtml, safeMarkdown } from '../../../worker/markdown/safe-markdown.ts';
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

/** A code block under its language and a Copy button. */
function codeBlock(text: string, tag: string): string {
  const language = tag && hljs.getLanguage(tag) ? tag.toLowerCase() : undefined;
  const label = escapeHtml(tag || 'text');
  const codeClass = language ? `hljs language-${escapeHtml(language)}` : 'hljs';
  return (
    `<div class="code-block"><div class="code-head"><span class="code-lang">${label}</span>` +
    `<button type="button" class="copy" data-copy aria-label="Copy ${label} code">Copy</button></div>` +
    // Focusable, so a code block wider than the reply can be scrolled from the keyboard.
    `<pre tabindex="0"><code class="${codeClass}">${highlight(text, language)}</code></pre></div>\n`
  );
}

/** Safe HTML for a (possibly partial, still streaming) Markdown reply; never throws. */
export const renderMarkdown = safeMarkdown(codeBlock, (error) =>
  console.error('Markdown rendering failed; showing the reply as plain text', error),
);
