// Speed (GET /api/ops/performance), from the hourly roll-up of every reply's timings: per UTC day,
// model and deployed version, time to first token, replies, and error and fallback rates. The first
// day a version answered is its deploy marker: a badge on that day's first row, so a regression
// shows beside the release that brought it.
import { createMemo, Show } from 'solid-js';
import type { OpsPerformance } from '../../lib/api.ts';
import { count, ms, percent } from '../../lib/format.ts';
import { modelLabel } from '../../lib/models.ts';
import { Bar } from './Bars.tsx';
import { Table } from './Table.tsx';

type Row = OpsPerformance['byDay'][number];

/** "v0.9.0" for a version that is a bare number, the version itself otherwise. */
const versionName = (version: string) => (/^\d/.test(version) ? `v${version}` : version);

export function SpeedSection(props: { performance: OpsPerformance }) {
  const p = () => props.performance;
  const slowest = () => Math.max(...p().byDay.map((row) => row.ttftMs.p50 ?? 0));
  // The first row of each version's first day (versions first seen before the range mark none).
  const deployRows = createMemo(() => {
    const firstDay = new Map(p().versions.map((v) => [v.version, v.firstDay]));
    const marked = new Map<string, Row>();
    for (const row of p().byDay)
      if (firstDay.get(row.version) === row.day && !marked.has(row.version)) marked.set(row.version, row);
    return new Set(marked.values());
  });
  return (
    <section class="card stack ops-speed" aria-labelledby="speed-heading">
      <h2 id="speed-heading">Speed</h2>
      <Show
        when={p().byDay.length > 0}
        fallback={
          <p class="muted">
            No reply was timed in this range. Timings are rolled up every hour, so the newest replies show within the
            hour.
          </p>
        }
      >
        <p class="muted">
          TTFT: time to first token, from the reply's admission. Errors and fallbacks are shares of the day's replies of
          that model and version.
        </p>
        <Table
          label="Speed by day and model"
          rows={p().byDay}
          empty=""
          rowHead={{
            head: 'Day',
            cell: (row) => (
              <>
                {row.day}
                <Show when={deployRows().has(row)}>
                  {' '}
                  <span class="badge ops-deploy">{versionName(row.version)} deployed</span>
                </Show>
              </>
            ),
          }}
          columns={[
            { head: 'Model', cell: (row) => modelLabel(row.model) },
            { head: 'Version', cell: (row) => versionName(row.version) },
            { head: 'Replies', cell: (row) => count(row.replies), numeric: true },
            {
              head: 'TTFT p50',
              numeric: true,
              cell: (row) => (
                <>
                  <Bar value={row.ttftMs.p50 ?? 0} most={slowest()} />
                  {ms(row.ttftMs.p50)}
                </>
              ),
            },
            { head: 'TTFT p95', cell: (row) => ms(row.ttftMs.p95), numeric: true },
            { head: 'TTFT p99', cell: (row) => ms(row.ttftMs.p99), numeric: true },
            { head: 'Errors', cell: (row) => percent(row.errorRate), numeric: true },
            { head: 'Fallbacks', cell: (row) => percent(row.fallbackRate), numeric: true },
          ]}
        />
        <Table
          label="Versions and the first day each answered"
          rows={p().versions}
          empty=""
          rowHead={{ head: 'Version', cell: (v) => versionName(v.version) }}
          columns={[{ head: 'First answered', cell: (v) => v.firstDay }]}
        />
      </Show>
    </section>
  );
}
