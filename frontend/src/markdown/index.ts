// The lazily loaded Markdown chunk: components/Markdown.tsx imports it on first use, so the
// parser, highlighter and theme stay out of the app's initial JavaScript and CSS.
import './markdown.css';

export { renderMarkdown } from './render.ts';
