import { For } from 'solid-js';
import type { Highlighted } from '../lib/api.ts';

/** Text with its matched ranges in <mark>: built from text pieces, so nothing in it is ever read as HTML. */
export function Highlight(props: { value: Highlighted }) {
  const pieces = () => {
    const { text, highlights } = props.value;
    const out: Array<{ text: string; match: boolean }> = [];
    let at = 0;
    for (const { start, end } of highlights) {
      if (start < at || end > text.length || end <= start) continue;
      if (start > at) out.push({ text: text.slice(at, start), match: false });
      out.push({ text: text.slice(start, end), match: true });
      at = end;
    }
    if (at < text.length) out.push({ text: text.slice(at), match: false });
    return out;
  };
  return <For each={pieces()}>{(piece) => (piece.match ? <mark>{piece.text}</mark> : piece.text)}</For>;
}
