import { describe, expect, it } from 'vitest';
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
