import { describe, expect, it } from 'vitest';
import type { ChatMessage, UserPart } from '../providers/types.ts';
import { estimateTokens, fitToContext, titleFrom } from './prompt.ts';

const turn = (role: 'user' | 'assistant', chars: number, tag = '') => ({
  role,
  content: `${tag}${'x'.repeat(chars - tag.length)}`,
});

describe('fitToContext', () => {
  it('keeps everything that fits', () => {
    const history = [turn('user', 40), turn('assistant', 40), turn('user', 40)];
    expect(fitToContext(history, { contextWindow: 10_000, maxOutputTokens: 1000 })).toEqual(history);
  });

  it('drops the oldest turns first and starts with a user turn', () => {
    const history = [
      turn('user', 4000, 'a'),
      turn('assistant', 4000, 'b'),
      turn('user', 4000, 'c'),
      turn('assistant', 4000, 'd'),
      turn('user', 400, 'e'),
    ];
    // Room for about three of the long turns after the reply and the system prompt.
    const kept = fitToContext(history, { system: 'be kind', contextWindow: 4000, maxOutputTokens: 900 });
    expect(kept.map((m) => m.content[0])).toEqual(['c', 'd', 'e']);
    expect(kept.reduce((sum, m) => sum + estimateTokens(m.content), 0)).toBeLessThanOrEqual(4000 - 900);
  });

  it('always keeps the latest message, even when it alone is over the budget', () => {
    const kept = fitToContext([turn('user', 100), turn('assistant', 100), turn('user', 50_000, 'z')], {
      contextWindow: 1000,
      maxOutputTokens: 100,
    });
    expect(kept.map((m) => m.content[0])).toEqual(['z']);
  });

  // Issue 24: a turn's files count as the reservation counts them, so an old turn with images goes first.
  it("counts a turn's images and text files, trimming them with the history", () => {
    const image: UserPart = { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AAAA' } };
    const withFiles: ChatMessage = {
      role: 'user',
      content: 'a look',
      parts: [image, image, { type: 'text', text: `notes.md\n${'y'.repeat(2000)}` }, { type: 'text', text: 'a look' }],
    };
    const history: ChatMessage[] = [
      withFiles,
      { role: 'assistant', content: 'seen' },
      { role: 'user', content: 'and?' },
    ];
    // Two images (1,600 each) and 500 tokens of text do not fit in 3,000 after the reply's 500: dropped.
    expect(fitToContext(history, { contextWindow: 3500, maxOutputTokens: 500 }).map((m) => m.content)).toEqual([
      'and?',
    ]);
    // With room for them, kept whole.
    expect(fitToContext(history, { contextWindow: 8000, maxOutputTokens: 500 })).toEqual(history);
  });
});

describe('titleFrom', () => {
  it('uses a short first line as it is', () => {
    expect(titleFrom('  How do tides work?\nAnd why twice a day?')).toBe('How do tides work?');
  });

  it('cuts a long line at a word boundary with an ellipsis', () => {
    const title = titleFrom(
      'Please explain in great detail how the moon and the sun together produce the tides we see',
    );
    expect(title.length).toBeLessThanOrEqual(61);
    expect(title.endsWith('…')).toBe(true);
    expect(title).toBe('Please explain in great detail how the moon and the sun…');
  });
});
