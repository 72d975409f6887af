import { describe, expect, it } from 'vitest';
import { MIN_OUTPUT_TOKENS, outputBudget, refill, secondsUntilToken } from './limits.ts';

describe('refill', () => {
  it('starts full, refills at the rate per minute, and never holds more than a minute', () => {
    expect(refill(undefined, 60, 1_000)).toEqual({ tokens: 60, updatedAt: 1_000 });
    expect(refill({ tokens: 0, updatedAt: 0 }, 60, 30_000).tokens).toBe(30);
    expect(refill({ tokens: 59, updatedAt: 0 }, 60, 600_000).tokens).toBe(60);
  });

  it('says how long until the next request fits, in whole seconds, at least one', () => {
    expect(secondsUntilToken({ tokens: 0, updatedAt: 0 }, 20)).toBe(3);
    expect(secondsUntilToken({ tokens: 0.99, updatedAt: 0 }, 600)).toBe(1);
  });
});

describe('outputBudget', () => {
  it('gives the reply what it asked for when the quota allows, or is unlimited', () => {
    expect(outputBudget(10_000, 100, 4_000)).toEqual({ tokens: 4_000, bounded: false });
    expect(outputBudget(null, 100, 32_000)).toEqual({ tokens: 32_000, bounded: false });
  });

  it('gives what is left after the prompt when that is less, marked as bounded by the quota', () => {
    expect(outputBudget(1_000, 100, 4_000)).toEqual({ tokens: 900, bounded: true });
  });

  it('refuses when not even a short answer fits', () => {
    expect(outputBudget(100 + MIN_OUTPUT_TOKENS - 1, 100, 4_000)).toBeUndefined();
    expect(outputBudget(0, 100, 4_000)).toBeUndefined();
  });
});
