// The operators' view of Parley as a whole, for a range of UTC days: signups, active users, tiers,
// conversions, tokens and cost per provider and model, widget sites, top spenders and refusals
// (GET /api/ops/metrics); speed per day, model and deployed version (GET /api/ops/performance);
// revenue and margin (GET /api/ops/revenue). Every figure is in a table (ops/Table.tsx); counts
// per day and times to first token also as bars with the same numbers beside them.
import { createResource, createSignal, Show } from 'solid-js';
import { PageState } from '../components/PageState.tsx';
import { api, type OpsHealth, type OpsMetrics } from '../lib/api.ts';
import { count, usd } from '../lib/format.ts';
import { modelLabel } from '../lib/models.ts';
import { DayBars } from './ops/Bars.tsx';
import { ConversionsSection } from './ops/ConversionsSection.tsx';
import { RefusalsSection } from './ops/RefusalsSection.tsx';
import { RevenueSection } from './ops/RevenueSection.tsx';
import { SpeedSection } from './ops/SpeedSection.tsx';
import { Table } from './ops/Table.tsx';
import './pages.css';

const DAY_MS = 86_400_000;
const DEFAULT_DAYS = 30;
const isoDay = (time: number) => new Date(time).toISOString().slice(0, 10);

export default function OpsPage() {
  const today = Date.now();
  const [range, setRange] = createSignal({ from: isoDay(today - (DEFAULT_DAYS - 1) * DAY_MS), to: isoDay(today) });
  const [metrics, { refetch }] = createResource(range, (r) => api.opsMetrics(r.from, r.to));
  const [performance, performanceActions] = createResource(range, (r) => api.opsPerformance(r.from, r.to));
  const [revenue, revenueActions] = createResource(range, (r) => api.opsRevenue(r.from, r.to));
  const [health, healthActions] = createResource(() => api.opsHealth());
  let from!: HTMLInputElement;
  let to!: HTMLInputElement;
  return (
    <main class="settings-page ops-page">
      <h1>Operators</h1>
      <PageState resource={health} what="Health" loading="Loading health…" retry={healthActions.refetch} card>
        {(loaded) => <Health health={loaded()} />}
      </PageState>
      <form
        class="card ops-range"
        aria-label="Date range"
        onSubmit={(e) => {
          e.preventDefault();
          setRange({ from: from.value, to: to.value });
          // Health is not for a range, but Show is how an operator asks for the page as it is now.
          healthActions.refetch();
        }}
      >
        <label>
          From <input ref={from} type="date" name="from" value={range().from} required />
        </label>
        <label>
          To <input ref={to} type="date" name="to" value={range().to} required />
        </label>
        <button type="submit">Show</button>
      </form>
      <PageState resource={metrics} what="The metrics" loading="Loading the metrics…" retry={refetch} card>
        {(loaded) => <Report metrics={loaded()} />}
      </PageState>
      <PageState resource={performance} what="Speed" loading="Loading speed…" retry={performanceActions.refetch} card>
        {(loaded) => <SpeedSection performance={loaded()} />}
      </PageState>
      <PageState resource={revenue} what="Revenue" loading="Loading revenue…" retry={revenueActions.refetch} card>
        {(loaded) => <RevenueSection revenue={loaded()} />}
      </PageState>
    </main>
  );
}

function Report(props: { metrics: OpsMetrics }) {
  const m = () => props.metrics;
  return (
    <>
      <section class="card stack" aria-labelledby="people-heading">
        <h2 id="people-heading">People</h2>
        <dl class="plan-limits">
          <div>
            <dt>Signups</dt>
            <dd>{count(m().signups.total)}</dd>
          </div>
          <div>
            <dt>Active on {m().to} / in 7 days / in 30 days</dt>
            <dd>
              {count(m().users.active.daily)} / {count(m().users.active.weekly)} / {count(m().users.active.monthly)}
            </dd>
          </div>
          <div>
            <dt>Every user by tier</dt>
            <dd>
              {count(m().users.tiers.free)} free, {count(m().users.tiers.pro)} pro, {count(m().users.tiers.enterprise)}{' '}
              enterprise
            </dd>
          </div>
          <div>
            <dt>Those who signed up, by tier now</dt>
            <dd>
              {count(m().signups.tiersNow.free)} free, {count(m().signups.tiersNow.pro)} pro,{' '}
              {count(m().signups.tiersNow.enterprise)} enterprise
            </dd>
          </div>
        </dl>
        <DayBars caption="Signups by day" rows={m().signups.byDay.map((r) => ({ day: r.day, value: r.signups }))} />
        <DayBars
          caption="Active users by day"
          rows={m().users.active.byDay.map((r) => ({ day: r.day, value: r.users }))}
        />
      </section>

      <ConversionsSection tierChanges={m().tierChanges} />

      <section class="card stack" aria-labelledby="providers-heading">
        <h2 id="providers-heading">Tokens and cost by provider</h2>
        <FiguresTable
          caption="By provider"
          first="Provider"
          rows={m().usage.byProvider.map((r) => ({ name: r.provider, ...r }))}
        />
        <FiguresTable
          caption="By day and model"
          first="Day · model"
          rows={m().usage.byDay.map((r) => ({ name: `${r.day} · ${modelLabel(r.model)}`, ...r }))}
        />
      </section>

      <section class="card stack" aria-labelledby="sites-heading">
        <h2 id="sites-heading">Widget sites</h2>
        <Table
          label="Widget sites by traffic"
          rows={m().sites}
          empty="No widget traffic in this range."
          rowHead={{ head: 'Site', cell: (site) => site.name ?? `${site.siteId} (deleted)` }}
          columns={[
            { head: 'Owner', cell: (site) => site.owner ?? '—' },
            { head: 'Visitors', cell: (site) => count(site.visitors), numeric: true },
            { head: 'Requests', cell: (site) => count(site.requests), numeric: true },
            { head: 'Tokens', cell: (site) => count(site.inputTokens + site.outputTokens), numeric: true },
            { head: 'Cost', cell: (site) => usd(site.costUsd), numeric: true },
          ]}
        />
      </section>

      <section class="card stack" aria-labelledby="spenders-heading">
        <h2 id="spenders-heading">Top spenders</h2>
        <Table
          label="Top spenders by cost"
          rows={m().topSpenders}
          empty="No usage in this range."
          rowHead={{ head: 'User', cell: (spender) => spender.email ?? spender.userId }}
          columns={[
            { head: 'Tier', cell: (spender) => spender.tier },
            { head: 'Requests', cell: (spender) => count(spender.requests), numeric: true },
            { head: 'Tokens', cell: (spender) => count(spender.tokens), numeric: true },
            { head: 'Cost', cell: (spender) => usd(spender.costUsd), numeric: true },
          ]}
        />
      </section>

      <RefusalsSection refusals={m().refusals} />
    </>
  );
}

/** The version deployed, whether Postgres answers, the writes objects hold for it, the dead letters, and each cron job's last run. */
function Health(props: { health: OpsHealth }) {
  const h = () => props.health;
  return (
    <section class="card stack" aria-labelledby="health-heading">
      <h2 id="health-heading">Health</h2>
      <dl class="plan-limits">
        <div>
          <dt>Version</dt>
          <dd>{h().version}</dd>
        </div>
        <div>
          <dt>Database</dt>
          <dd>{h().database === 'up' ? 'Up' : 'Down: it does not answer'}</dd>
        </div>
        <div>
          <dt>Writes waiting</dt>
          <dd>
            <Show when={h().outboxes} fallback="Unknown: the backlog could not be read">
              {(outboxes) => (
                <Show when={outboxes().since} fallback="None: every write has landed">
                  {(since) => (
                    <>
                      {count(outboxes().rooms.pending)} in {count(outboxes().rooms.sources)} conversations,{' '}
                      {count(outboxes().limiters.pending)} in {count(outboxes().limiters.sources)} limiters
                      <span class="muted"> (since {since()})</span>
                    </>
                  )}
                </Show>
              )}
            </Show>
          </dd>
        </div>
        <div>
          <dt>Dead letters</dt>
          <dd>
            <Show when={h().deadLetters} fallback="Unknown while the database is down">
              {(letters) => (
                <>
                  {count(letters().count)}
                  <Show when={letters().oldest}>{(oldest) => <span class="muted"> (oldest {oldest()})</span>}</Show>
                </>
              )}
            </Show>
          </dd>
        </div>
      </dl>
      <Table
        label="Cron jobs, last run"
        rows={h().crons}
        empty="No cron job has run yet."
        rowHead={{ head: 'Job', cell: (run) => run.job }}
        columns={[
          { head: 'Last run', cell: (run) => run.startedAt },
          { head: 'Took', cell: (run) => `${count(run.durationMs)} ms`, numeric: true },
          {
            head: 'Outcome',
            cell: (run) => (run.ok ? 'Done' : `Failed: ${String(run.outcome?.errorClass ?? 'see the logs')}`),
          },
        ]}
      />
    </section>
  );
}

type FigureRow = { name: string; requests: number; inputTokens: number; outputTokens: number; costUsd: string };

/** Requests, tokens and cost, a row per provider (or day and model). */
function FiguresTable(props: { caption: string; first: string; rows: FigureRow[] }) {
  return (
    <Table
      label={props.caption}
      rows={props.rows}
      empty={`${props.caption}: no usage in this range.`}
      rowHead={{ head: props.first, cell: (r) => r.name }}
      columns={[
        { head: 'Requests', cell: (r) => count(r.requests), numeric: true },
        { head: 'Input tokens', cell: (r) => count(r.inputTokens), numeric: true },
        { head: 'Output tokens', cell: (r) => count(r.outputTokens), numeric: true },
        { head: 'Cost', cell: (r) => usd(r.costUsd), numeric: true },
      ]}
    />
  );
}
