// Search snippets as plain text with the ranges to mark, never markup: Postgres's ts_headline
// wraps each match in two private-use characters (taken out of the text it is given first), and
// this turns its output into the text without them and where each match starts and ends. A client
// renders the text as text and marks those ranges, so nothing in a message can become HTML.

import { MATCH_END, MATCH_START } from '../db/search.ts';

export { MATCH_END, MATCH_START };

/** Text to show, and the ranges of it that matched (UTF-16 offsets, `end` exclusive), in order. */
export type Highlighted = { text: string; highlights: Array<{ start: number; end: number }> };

/**
 * ts_headline's output read back: markers removed, each run of white space made one space (a
 * snippet is one line), and the matches' offsets in what is left. Adjacent matches merge.
 */
export function readHeadline(marked: string): Highlighted {
  let text = '';
  const highlights: Highlighted['highlights'] = [];
  let inMatch = false;
  let matchStart: number | undefined;
  let space = false;
  for (const char of marked) {
    if (char === MATCH_START) {
      inMatch = true;
      matchStart = undefined;
    } else if (char === MATCH_END) {
      if (inMatch && matchStart !== undefined) {
        const last = highlights.at(-1);
        if (last && last.end === matchStart) last.end = text.length;
        else highlights.push({ start: matchStart, end: text.length });
      }
      inMatch = false;
    } else if (/\s/.test(char)) {
      space = true;
    } else {
      // White space before a character is written only now, so a snippet never starts or ends with it.
      if (space && text) text += ' ';
      space = false;
      if (inMatch && matchStart === undefined) matchStart = text.length;
      text += char;
    }
  }
  return { text, highlights };
}

/**
 * Every place any of `needles` occurs in `text`, any case, overlaps merged: for a title, whose own
 * text is shown whole (ts_headline would drop what looks like a tag), marked with the words
 * ts_headline found in it, or with what was typed when it matched by a part of a word.
 */
export function highlightSubstrings(text: string, needles: string[]): Highlighted {
  const found: Highlighted['highlights'] = [];
  const haystack = text.toLocaleLowerCase();
  // Lower-casing can change a string's length (rarely): then nothing is marked rather than the wrong thing.
  if (haystack.length !== text.length) return { text, highlights: [] };
  for (const needle of needles) {
    const wanted = needle.trim().toLocaleLowerCase();
    if (!wanted) continue;
    for (let at = haystack.indexOf(wanted); at !== -1; at = haystack.indexOf(wanted, at + wanted.length))
      found.push({ start: at, end: at + wanted.length });
  }
  found.sort((a, b) => a.start - b.start);
  const highlights: Highlighted['highlights'] = [];
  for (const range of found) {
    const last = highlights.at(-1);
    if (last && range.start <= last.end) last.end = Math.max(last.end, range.end);
    else highlights.push({ ...range });
  }
  return { text, highlights };
}

/** The words a ts_headline output marked. */
export function markedWords(marked: string): string[] {
  const read = readHeadline(marked);
  return read.highlights.map((h) => read.text.slice(h.start, h.end));
}
