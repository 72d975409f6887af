// The operators' view of Parley as a whole (GET /api/ops/metrics): signups, active users, tiers,
// tokens and cost per provider and model, and the top spenders, for a range of UTC days. Every
// figure is in a table; signups and active users also as bars with the same numbers beside them.
import { createResource, createSignal, For, Show } from 'solid-js';
import { PageState } from '../components/PageState.tsx';
import { TableScroll } from '../components/TableScroll.tsx';
import { api, type OpsHealth, type OpsMetrics } from '../lib/api.ts';
import { count, usd } from '../lib/format.ts';
import './pages.css';

const DAY_MS = 86_400_000;
const DEFAULT_DAYS = 30;
const isoDay = (time: number) => new Date(time).toISOString().slice(0, 10);

export default function OpsPage() {
  const today = Date.now();
  const [range, setRange] = createSignal({ from: isoDay(today - (DEFAULT_DAYS - 1) * DAY_MS), to: isoDay(today) });
  const [metrics, { refetch }] = createResource(range, (r) => api.opsMetrics(r.from, r.to));
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
          rows={m().usage.byDay.map((r) => ({ name: `${r.day} · ${r.model}`, ...r }))}
        />
      </section>

      <section class="card stack" aria-labelledby="sites-heading">
        <h2 id="sites-heading">Widget sites</h2>
        <Show when={m().sites.length > 0} fallback={<p class="muted">No widget traffic in this range.</p>}>
          <TableScroll label="Widget sites by traffic">
            <table>
              <thead>
                <tr>
                  <th scope="col">Site</th>
                  <th scope="col">Owner</th>
                  <th scope="col">Visitors</th>
                  <th scope="col">Requests</th>
                  <th scope="col">Tokens</th>
                  <th scope="col">Cost</th>
                </tr>
              </thead>
              <tbody>
                <For each={m().sites}>
                  {(site) => (
                    <tr>
                      <th scope="row">{site.name ?? `${site.siteId} (deleted)`}</th>
                      <td>{site.owner ?? '—'}</td>
                      <td class="num">{count(site.visitors)}</td>
                      <td class="num">{count(site.requests)}</td>
                      <td class="num">{count(site.inputTokens + site.outputTokens)}</td>
                      <td class="num">{usd(site.costUsd)}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </TableScroll>
        </Show>
      </section>

      <section class="card stack" aria-labelledby="spenders-heading">
        <h2 id="spenders-heading">Top spenders</h2>
        <Show when={m().topSpenders.length > 0} fallback={<p class="muted">No usage in this range.</p>}>
          <TableScroll label="Top spenders by cost">
            <table>
              <thead>
                <tr>
                  <th scope="col">User</th>
                  <th scope="col">Tier</th>
                  <th scope="col">Requests</th>
                  <th scope="col">Tokens</th>
                  <th scope="col">Cost</th>
                </tr>
              </thead>
              <tbody>
                <For each={m().topSpenders}>
                  {(s) => (
                    <tr>
                      <th scope="row">{s.email ?? s.userId}</th>
                      <td>{s.tier}</td>
                      <td class="num">{count(s.requests)}</td>
                      <td class="num">{count(s.tokens)}</td>
                      <td class="num">{usd(s.costUsd)}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </TableScroll>
        </Show>
      </section>
    </>
  );
}

/** The version deployed, whether Postgres answers, the dead letters, and each cron job's last run. */
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
      <Show when={h().crons.length > 0} fallback={<p class="muted">No cron job has run yet.</p>}>
        <TableScroll label="Cron jobs, last run">
          <table>
            <thead>
              <tr>
                <th scope="col">Job</th>
                <th scope="col">Last run</th>
                <th scope="col">Took</th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              <For each={h().crons}>
                {(run) => (
                  <tr>
                    <th scope="row">{run.job}</th>
                    <td>{run.startedAt}</td>
                    <td class="num">{count(run.durationMs)} ms</td>
                    <td>{run.ok ? 'Done' : `Failed: ${String(run.outcome?.errorClass ?? 'see the logs')}`}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </TableScroll>
      </Show>
    </section>
  );
}

/** A count per day as bars, with a table of the same numbers for anyone who cannot read the bars. */
function DayBars(props: { caption: string; rows: Array<{ day: string; value: number }> }) {
  const most = () => Math.max(1, ...props.rows.map((r) => r.value));
  return (
    <figure class="ops-bars">
      <figcaption>{props.caption}</figcaption>
      <Show when={props.rows.length > 0} fallback={<p class="muted">None in this range.</p>}>
        <TableScroll label={props.caption}>
          <table>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col">Count</th>
              </tr>
            </thead>
            <tbody>
              <For each={props.rows}>
                {(r) => (
                  <tr>
                    <th scope="row">{r.day}</th>
                    <td class="num">
                      <span class="ops-bar" style={{ width: `${(r.value / most()) * 100}%` }} aria-hidden="true" />
                      {count(r.value)}
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </TableScroll>
      </Show>
    </figure>
  );
}

type FigureRow = { name: string; requests: number; inputTokens: number; outputTokens: number; costUsd: string };

function FiguresTable(props: { caption: string; first: string; rows: FigureRow[] }) {
  return (
    <Show when={props.rows.length > 0} fallback={<p class="muted">{props.caption}: no usage in this range.</p>}>
      <TableScroll label={props.caption}>
        <table>
          <thead>
            <tr>
              <th scope="col">{props.first}</th>
              <th scope="col">Requests</th>
              <th scope="col">Input tokens</th>
              <th scope="col">Output tokens</th>
              <th scope="col">Cost</th>
            </tr>
          </thead>
          <tbody>
            <For each={props.rows}>
              {(r) => (
                <tr>
                  <th scope="row">{r.name}</th>
                  <td class="num">{count(r.requests)}</td>
                  <td class="num">{count(r.inputTokens)}</td>
                  <td class="num">{count(r.outputTokens)}</td>
                  <td class="num">{usd(r.costUsd)}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </TableScroll>
    </Show>
  );
}
