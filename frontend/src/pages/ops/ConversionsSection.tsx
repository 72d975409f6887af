// Conversions (GET /api/ops/metrics, from tier_changes): how many went from free to pro, and every
// change of tier by day.
import type { OpsMetrics } from '../../lib/api.ts';
import { count } from '../../lib/format.ts';
import { Table } from './Table.tsx';

export function ConversionsSection(props: { tierChanges: OpsMetrics['tierChanges'] }) {
  return (
    <section class="card stack" aria-labelledby="conversions-heading">
      <h2 id="conversions-heading">Conversions</h2>
      <dl class="plan-limits">
        <div>
          <dt>Free to pro</dt>
          <dd>{count(props.tierChanges.conversions)}</dd>
        </div>
      </dl>
      <Table
        label="Tier changes by day"
        rows={props.tierChanges.byDay}
        empty="Nobody changed tier in this range."
        rowHead={{ head: 'Day', cell: (row) => row.day }}
        columns={[
          { head: 'From', cell: (row) => row.from },
          { head: 'To', cell: (row) => row.to },
          { head: 'Users', cell: (row) => count(row.users), numeric: true },
        ]}
      />
    </section>
  );
}
