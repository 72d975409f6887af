// The Markdown chunk the panel renders replies with: the web app's renderer (safe HTML by
// construction) and its stylesheet as text, for a constructed stylesheet in the shadow root.
export { renderMarkdown } from '../src/markdown/render.ts';
export { default as css } from '../src/markdown/markdown.css?inline';
