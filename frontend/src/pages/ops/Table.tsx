// The one table of the operators' page: every figure on it is drawn through this component.
import { For, type JSX, Show } from 'solid-js';
import { TableScroll } from '../../components/TableScroll.tsx';

export type Column<Row> = { head: string; cell: (row: Row) => JSX.Element; numeric?: boolean };

/** A header cell per row, then its columns, in a named scroll region (its name also the table's caption); `empty` when there are no rows. */
export function Table<Row>(props: {
  label: string;
  rows: Row[];
  empty: string;
  rowHead: Column<Row>;
  columns: Column<Row>[];
}) {
  return (
    <Show when={props.rows.length > 0} fallback={<p class="muted">{props.empty}</p>}>
      <TableScroll label={props.label}>
        <table>
          <caption class="visually-hidden">{props.label}</caption>
          <thead>
            <tr>
              <th scope="col">{props.rowHead.head}</th>
              <For each={props.columns}>
                {(column) => (
                  <th scope="col" class={column.numeric ? 'num' : undefined}>
                    {column.head}
                  </th>
                )}
              </For>
            </tr>
          </thead>
          <tbody>
            <For each={props.rows}>
              {(row) => (
                <tr>
                  <th scope="row">{props.rowHead.cell(row)}</th>
                  <For each={props.columns}>
                    {(column) => <td class={column.numeric ? 'num' : undefined}>{column.cell(row)}</td>}
                  </For>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </TableScroll>
    </Show>
  );
}
