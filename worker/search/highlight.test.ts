import { describe, expect, it } from 'vitest';
import { highlightSubstrings, MATCH_END, MATCH_START, markedWords, readHeadline } from './highlight.ts';

const mark = (word: string) => `${MATCH_START}${word}${MATCH_END}`;

describe('readHeadline', () => {
  it('returns the text without markers and where each match is', () => {
    const read = readHeadline(`the ${mark('deploy')} went well, then ${mark('deploying')} again`);
    expect(read.text).toBe('the deploy went well, then deploying again');
    expect(read.highlights.map((h) => read.text.slice(h.start, h.end))).toEqual(['deploy', 'deploying']);
  });

  it('keeps markup as text: a snippet is never HTML', () => {
    const read = readHeadline(`<img src=x onerror=alert(1)> ${mark('cats')}`);
    expect(read.text).toBe('<img src=x onerror=alert(1)> cats');
    expect(read.highlights).toEqual([{ start: 29, end: 33 }]);
  });

  it('makes one line of it and merges adjacent matches', () => {
    const read = readHeadline(`  first\n\n ${mark('red')} ${mark('panda')}\tlast `);
    expect(read.text).toBe('first red panda last');
    expect(read.highlights.map((h) => read.text.slice(h.start, h.end))).toEqual(['red', 'panda']);
    expect(readHeadline(`${mark('ab')}${mark('cd')}`).highlights).toEqual([{ start: 0, end: 4 }]);
  });

  it('ignores an empty or unclosed match', () => {
    expect(readHeadline(`a ${MATCH_START}${MATCH_END} b`)).toEqual({ text: 'a b', highlights: [] });
    expect(readHeadline(`a ${MATCH_START}b`).highlights).toEqual([]);
  });
});

describe('highlightSubstrings', () => {
  it('marks every occurrence of each, any case, overlaps merged', () => {
    expect(highlightSubstrings('Deploy plan: deployment', ['deploy']).highlights).toEqual([
      { start: 0, end: 6 },
      { start: 13, end: 19 },
    ]);
    expect(highlightSubstrings('Deploy plan', ['plan', 'deploy', 'eploy p']).highlights).toEqual([
      { start: 0, end: 11 },
    ]);
    expect(highlightSubstrings('Nothing here', ['xyz', ' ']).highlights).toEqual([]);
  });

  it('reads the words ts_headline marked', () => {
    expect(markedWords(`a ${mark('Deploy')} of <b> ${mark('cats')}`)).toEqual(['Deploy', 'cats']);
  });
});
