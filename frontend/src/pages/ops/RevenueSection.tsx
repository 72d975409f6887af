// Revenue and margin (GET /api/ops/revenue): what was paid, per currency, and in US dollars beside
// what the vendors cost, per tier and per model. A loss is said in words, not only by its colour.
import type { OpsRevenue } from '../../lib/api.ts';
import { count, usd } from '../../lib/format.ts';
import { modelLabel } from '../../lib/models.ts';
import { Table } from './Table.tsx';

type MarginRow = { name: string; revenueUsd: string; costUsd: string; marginUsd: string };

export function RevenueSection(props: { revenue: OpsRevenue }) {
  const r = () => props.revenue;
  return (
    <section class="card stack" aria-labelledby="revenue-heading">
      <h2 id="revenue-heading">Revenue and margin</h2>
      <Table
        label="Paid, by currency"
        rows={r().paid}
        empty="No invoice was paid in this range."
        rowHead={{ head: 'Currency', cell: (paid) => paid.currency.toUpperCase() }}
        columns={[
          { head: 'Paid', cell: (paid) => paid.amount, numeric: true },
          { head: 'Invoices', cell: (paid) => count(paid.invoices), numeric: true },
        ]}
      />
      <p class="muted">
        Margins are in US dollars: invoices paid in US dollars, less what the vendors cost. A tier's figures are its
        users' now; a model's revenue is each paying user's, shared by what their replies on each model cost.
      </p>
      <MarginTable label="Margin by tier" first="Tier" rows={r().byTier.map((row) => ({ name: row.tier, ...row }))} />
      <MarginTable
        label="Margin by model"
        first="Model"
        rows={r().byModel.map((row) => ({ name: modelLabel(row.model), ...row }))}
      />
      <h3>Paid in US dollars but in no margin above</h3>
      <dl class="plan-limits">
        <div>
          <dt>No known user</dt>
          <dd>{usd(r().unallocatedUsd.noUser)}</dd>
        </div>
        <div>
          <dt>Users with no usage</dt>
          <dd>{usd(r().unallocatedUsd.noUsage)}</dd>
        </div>
      </dl>
    </section>
  );
}

/** Revenue, cost and margin, a row per tier (or model); a negative margin reads "loss". */
function MarginTable(props: { label: string; first: string; rows: MarginRow[] }) {
  return (
    <Table
      label={props.label}
      rows={props.rows}
      empty={`${props.label}: no usage in this range.`}
      rowHead={{ head: props.first, cell: (row) => row.name }}
      columns={[
        { head: 'Revenue', cell: (row) => usd(row.revenueUsd), numeric: true },
        { head: 'Vendor cost', cell: (row) => usd(row.costUsd), numeric: true },
        {
          head: 'Margin',
          numeric: true,
          cell: (row) =>
            Number(row.marginUsd) < 0 ? <span class="error">{usd(row.marginUsd)} loss</span> : usd(row.marginUsd),
        },
      ]}
    />
  );
}
