// Plain-text email lines as HTML: each line a paragraph, empty lines dropped, text escaped.

/** The lines of a plain-text email as HTML paragraphs. */
export function paragraphs(lines: readonly string[]): string {
  return lines.map((line) => (line ? `<p>${escapeHtml(line)}</p>` : '')).join('\n');
}

function escapeHtml(s: string) {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
