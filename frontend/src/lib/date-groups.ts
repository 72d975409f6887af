// The sidebar's date groups, as chat apps have them: Today, Yesterday, Previous 7 days, Previous 30
// days, then one per month ("October 2026"), by each conversation's last activity in the reader's
// own calendar (local midnight, local month names).

export type DateGroup<T> = { label: string; items: T[] };

const DAY_MS = 86_400_000;

/** `items` (newest first, as the list comes) in consecutive groups by `at(item)`, relative to `now`. */
export function groupByDate<T>(items: readonly T[], at: (item: T) => string, now = new Date(), locale?: string) {
  const groups: DateGroup<T>[] = [];
  const month = new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric' });
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  for (const item of items) {
    const label = labelFor(new Date(at(item)), today, month);
    const last = groups.at(-1);
    if (last?.label === label) last.items.push(item);
    else groups.push({ label, items: [item] });
  }
  return groups;
}

function labelFor(when: Date, today: number, month: Intl.DateTimeFormat): string {
  const day = new Date(when.getFullYear(), when.getMonth(), when.getDate()).getTime();
  // Whole days between local midnights (rounded: a daylight-saving day is 23 or 25 hours).
  const daysAgo = Math.round((today - day) / DAY_MS);
  if (daysAgo <= 0) return 'Today';
  if (daysAgo === 1) return 'Yesterday';
  if (daysAgo <= 7) return 'Previous 7 days';
  if (daysAgo <= 30) return 'Previous 30 days';
  return month.format(when);
}
