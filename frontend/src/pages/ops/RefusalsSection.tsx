// Requests the Limiters refused, by day and reason (GET /api/ops/metrics, from refusals_daily).
import type { OpsMetrics } from '../../lib/api.ts';
import { count } from '../../lib/format.ts';
import { Table } from './Table.tsx';

/** Each refusal reason in words; a reason this page does not know yet shows as its code. */
const REASONS: Record<string, string> = {
  quota_exceeded: "The month's quota was used up",
  quota_in_use: 'What is left of the quota was held by replies in progress',
  requests_per_minute: 'Too many requests in a minute',
  concurrent_streams: 'Too many replies at once',
  model_not_in_plan: 'The model is not in their plan',
  invalid_api_key: 'An invalid API key',
  widget_concurrent_streams: "Too many widget visitors' replies at once",
  site_daily_budget_spent: "A widget site's daily token budget was spent",
  site_daily_budget_in_use: "What is left of a widget site's daily budget was held by replies in progress",
};

export function RefusalsSection(props: { refusals: OpsMetrics['refusals'] }) {
  return (
    <section class="card stack" aria-labelledby="refusals-heading">
      <h2 id="refusals-heading">Refusals</h2>
      <dl class="plan-limits">
        <div>
          <dt>Requests refused</dt>
          <dd>{count(props.refusals.total)}</dd>
        </div>
      </dl>
      <Table
        label="Refusals by day and reason"
        rows={props.refusals.byDay}
        empty="No request was refused in this range."
        rowHead={{ head: 'Day', cell: (row) => row.day }}
        columns={[
          { head: 'Reason', cell: (row) => REASONS[row.reason] ?? row.reason },
          { head: 'Refused', cell: (row) => count(row.count), numeric: true },
        ]}
      />
    </section>
  );
}
