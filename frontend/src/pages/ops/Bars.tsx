// Bars for the operators' page, always beside the number they draw: the bar is for the eye only.
import { count } from '../../lib/format.ts';
import { Table } from './Table.tsx';

/** A bar as long as `value` is of `most` (hidden from assistive technology: the number beside it says the same). */
export function Bar(props: { value: number; most: number }) {
  return (
    <span class="ops-bar" style={{ '--share': String(props.value / Math.max(1, props.most)) }} aria-hidden="true" />
  );
}

/** A count per day as bars, with the same numbers beside them for anyone who cannot read the bars. */
export function DayBars(props: { caption: string; rows: Array<{ day: string; value: number }> }) {
  const most = () => Math.max(...props.rows.map((r) => r.value));
  return (
    <figure class="ops-bars">
      <figcaption>{props.caption}</figcaption>
      <Table
        label={props.caption}
        rows={props.rows}
        empty="None in this range."
        rowHead={{ head: 'Day', cell: (r) => r.day }}
        columns={[
          {
            head: 'Count',
            numeric: true,
            cell: (r) => (
              <>
                <Bar value={r.value} most={most()} />
                {count(r.value)}
              </>
            ),
          },
        ]}
      />
    </figure>
  );
}
