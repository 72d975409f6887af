// The sidebar's date groups (frontend/src/lib/date-groups.ts), in the reader's own calendar.
import { describe, expect, it } from 'vitest';
import { groupByDate } from '../../frontend/src/lib/date-groups.ts';

const now = new Date(2026, 10, 20, 9, 30); // 20 November 2026, 09:30 local time
const local = (month: number, day: number, hour = 12) => new Date(2026, month, day, hour).toISOString();

describe('groupByDate', () => {
  it('puts each conversation under Today, Yesterday, Previous 7 days, Previous 30 days, then its month', () => {
    const items = [
      local(10, 20, 0), // just after midnight today
      local(10, 19, 23),
      local(10, 19, 0),
      local(10, 18),
      local(10, 13),
      local(10, 12),
      local(9, 21),
      local(9, 20),
      local(9, 1),
      new Date(2025, 11, 31).toISOString(),
    ];
    const groups = groupByDate(items, (at) => at, now, 'en-US');
    expect(groups.map((g) => [g.label, g.items.length])).toEqual([
      ['Today', 1],
      ['Yesterday', 2],
      ['Previous 7 days', 2],
      ['Previous 30 days', 2],
      ['October 2026', 2],
      ['December 2025', 1],
    ]);
  });

  it("names months in the reader's language, and makes no empty group", () => {
    expect(groupByDate([], (at: string) => at, now)).toEqual([]);
    expect(groupByDate([local(0, 5)], (at) => at, now, 'fr-FR')[0]?.label).toBe('janvier 2026');
  });
});
