import { describe, expect, it } from 'vitest';
import { sumUsd, unitsPerMillion, unitsToUsd, usdToUnits } from './money.ts';

describe('money', () => {
  it('reads and writes the columns eight places, whatever places a string has', () => {
    expect(usdToUnits('12.5')).toBe(1_250_000_000n);
    expect(usdToUnits('0.00020000')).toBe(20_000n);
    expect(usdToUnits('3')).toBe(300_000_000n);
    expect(usdToUnits('0.123456789')).toBe(12_345_678n);
    expect(unitsToUsd(0n)).toBe('0.00000000');
    expect(unitsToUsd(1_250_000_000n)).toBe('12.50000000');
  });

  it('sums exactly where floats drift (0.1 + 0.2)', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(sumUsd(['0.1', '0.2'])).toBe('0.30000000');
    expect(sumUsd(Array.from({ length: 1000 }, () => '0.00000001'))).toBe('0.00001000');
    expect(sumUsd([])).toBe('0.00000000');
  });

  it('turns a price per million tokens into integer units without float error', () => {
    expect(unitsPerMillion(0.15)).toBe(15_000_000n);
    expect(unitsPerMillion(2)).toBe(200_000_000n);
  });
});
