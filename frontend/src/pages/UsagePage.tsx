// This month's quota as the Limiter counts it (live), and the last 30 days of usage by day and
// model from the hourly roll-up: a stacked bar chart (with the same numbers as a table) and totals
// by model.
import { createMemo, createResource, For, Show } from 'solid-js';
import { A } from '@solidjs/router';
import { UsageCells, UsageColumns } from '../components/UsageCells.tsx';
import { PageState } from '../components/PageState.tsx';
import { api, type Me, type Usage } from '../lib/api.ts';
import { count, day } from '../lib/format.ts';
import { sizeWords } from '../lib/files.ts';
import { modelById } from '../lib/models.ts';
import './pages.css';

const DAYS = 30;
const DAY_MS = 86_400_000;
/** Distinct colours the chart cycles through (pages.css defines them for each theme). */
const SERIES_COLOURS = 8;

const isoDay = (time: number) => new Date(time).toISOString().slice(0, 10);
const shortDay = (iso: string) =>
  new Date(iso).toLocaleDateString('en', { month: 'short', day: 'numeric', timeZone: 'UTC' });
const percent = (part: number, whole: number) => (whole > 0 ? Math.min(100, (part / whole) * 100) : 0);
/** A share in words: never "0%" for something, nor "100%" for less than all. */
const percentWords = (value: number) =>
  value > 0 && value < 1 ? 'under 1%' : value > 99 && value < 100 ? 'over 99%' : `${Math.round(value)}%`;
/** A model's name as people know it; the id when this server no longer offers it. */
const modelLabel = (id: string) => modelById(id)?.label ?? id;

export default function UsagePage() {
  const [me, meActions] = createResource(() => api.me());
  const [usage, usageActions] = createResource(() => {
    const today = Date.now();
    return api.usage(isoDay(today - (DAYS - 1) * DAY_MS), isoDay(today));
  });
  return (
    <main class="settings-page usage-page">
      <h1>Usage</h1>

      <section class="card stack" aria-labelledby="quota-heading">
        <h2 id="quota-heading">This month</h2>
        <PageState resource={me} what="Your quota" loading="Loading your quota…" retry={meActions.refetch}>
          {(loaded) => <Quota quota={loaded().quota} />}
        </PageState>
      </section>

      <Show when={usage.state === 'ready' && usage().storage}>
        {(storage) => (
          <section class="card stack" aria-labelledby="storage-heading">
            <h2 id="storage-heading">Files</h2>
            <Storage storage={storage()} />
          </section>
        )}
      </Show>

      <PageState
        resource={usage}
        what="Your usage"
        loading="Loading your usage…"
        retry={usageActions.refetch}
        card
        isEmpty={(loaded) => loaded.days.length === 0}
        empty={
          <section class="card stack" aria-labelledby="empty-heading">
            <h2 id="empty-heading">No usage yet</h2>
            <p>Nothing has been used in the last {DAYS} days.</p>
            <p class="muted">
              Usage is rolled up hourly, so replies from the last hour may not show here yet (the quota above counts
              them at once).
            </p>
          </section>
        }
      >
        {(loaded) => <UsageReport usage={loaded()} />}
      </PageState>
    </main>
  );
}

type StorageUse = Usage['storage'];

/** The files stored (attachments) against the plan's storage, as a bar with the figures in words. */
function Storage(props: { storage: StorageUse }) {
  const usedPercent = () => percent(props.storage.usedBytes, props.storage.limitBytes);
  const fileWords = () => (props.storage.files === 1 ? '1 file' : `${count(props.storage.files)} files`);
  const words = () =>
    `${sizeWords(props.storage.usedBytes)} of ${sizeWords(props.storage.limitBytes)} used (${percentWords(usedPercent())}), ${fileWords()}`;
  return (
    <div class="quota" classList={{ warn: usedPercent() >= 80 && usedPercent() < 100, full: usedPercent() >= 100 }}>
      {/* biome-ignore lint/a11y/useSemanticElements: <meter> cannot be styled alike across browsers; this is its ARIA twin */}
      <div
        class="quota-bar"
        role="meter"
        aria-label="File storage used"
        aria-valuemin={0}
        aria-valuemax={props.storage.limitBytes}
        aria-valuenow={Math.min(props.storage.usedBytes, props.storage.limitBytes)}
        aria-valuetext={words()}
      >
        <span class="quota-used" style={{ width: `${usedPercent()}%` }} />
      </div>
      <p class="storage-words">{words()}.</p>
      <p class="small muted">
        Files you attach to messages count here; deleting a conversation deletes its files and frees their space.
      </p>
    </div>
  );
}

/** The month's allowance as a bar (used, reserved for replies being written, left) with the figures in words. */
function Quota(props: { quota: Me['quota'] }) {
  const used = () => props.quota.used;
  const reserved = () => props.quota.reserved;
  const limit = () => props.quota.limit ?? 0;
  const left = () => Math.max(0, limit() - used() - reserved());
  const usedPercent = () => percent(used(), limit());
  const reservedPercent = () => Math.min(100 - usedPercent(), percent(reserved(), limit()));
  const words = () =>
    `${count(used())} of ${count(limit())} tokens used (${percentWords(usedPercent())}), ${count(reserved())} reserved, ${count(left())} left`;
  return (
    <>
      <Show
        when={props.quota.limit !== null}
        fallback={
          <p>
            <strong>Unlimited:</strong> your plan has no monthly token limit. You have used {count(used())} tokens this
            month.
          </p>
        }
      >
        <div class="quota" classList={{ warn: usedPercent() >= 80 && left() > 0, full: left() === 0 }}>
          {/* biome-ignore lint/a11y/useSemanticElements: <meter> cannot be styled alike across browsers; this is its ARIA twin */}
          <div
            class="quota-bar"
            role="meter"
            aria-label="Tokens used this month"
            aria-valuemin={0}
            aria-valuemax={limit()}
            aria-valuenow={Math.min(used(), limit())}
            aria-valuetext={words()}
          >
            <span class="quota-used" style={{ width: `${usedPercent()}%` }} />
            <span class="quota-reserved" style={{ width: `${reservedPercent()}%` }} />
          </div>
          <dl class="quota-figures">
            <div>
              <dt>
                <span class="swatch quota-used" aria-hidden="true" />
                Used
              </dt>
              <dd>
                {count(used())} ({percentWords(usedPercent())})
              </dd>
            </div>
            <div>
              <dt>
                <span class="swatch quota-reserved" aria-hidden="true" />
                Reserved
              </dt>
              <dd>{count(reserved())}</dd>
            </div>
            <div>
              <dt>
                <span class="swatch quota-left" aria-hidden="true" />
                Left
              </dt>
              <dd>{count(left())}</dd>
            </div>
            <div>
              <dt>Monthly limit</dt>
              <dd>{count(limit())}</dd>
            </div>
          </dl>
        </div>
        <p class="small muted">
          Tokens are input and output together. Reserved tokens are held for replies being written right now; what a
          reply does not use is given back.
        </p>
        <Show when={used() >= limit()}>
          <div class="notice">
            <p>
              You have used this month's tokens, so new replies are refused until {day(props.quota.resetsAt)}.{' '}
              <A href="/billing">See your plan on the Billing page</A>.
            </p>
          </div>
        </Show>
      </Show>
      <p class="muted">The count starts again on {day(props.quota.resetsAt)} at 00:00 UTC.</p>
    </>
  );
}

type Series = {
  model: string;
  label: string;
  colour: number;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cost: number;
};
type Column = { day: string; total: number; tokens: Map<string, number> };

/** The usage grouped for the chart and the tables: one series per model (busiest first), one column per day. */
function summarise(usage: Usage) {
  const byModel = new Map<string, Omit<Series, 'colour' | 'label'>>();
  const byDay = new Map<string, Map<string, number>>();
  for (const row of usage.days) {
    const series = byModel.get(row.model) ?? {
      model: row.model,
      requests: 0,
      inputTokens: 0,
      outputTokens: 0,
      cost: 0,
    };
    series.requests += row.requests;
    series.inputTokens += row.inputTokens;
    series.outputTokens += row.outputTokens;
    series.cost += Number(row.costUsd);
    byModel.set(row.model, series);
    const tokens = byDay.get(row.day) ?? new Map<string, number>();
    tokens.set(row.model, (tokens.get(row.model) ?? 0) + row.inputTokens + row.outputTokens);
    byDay.set(row.day, tokens);
  }
  const series: Series[] = [...byModel.values()]
    .sort((a, b) => b.inputTokens + b.outputTokens - (a.inputTokens + a.outputTokens))
    .map((s, i) => ({ ...s, label: modelLabel(s.model), colour: i % SERIES_COLOURS }));
  const columns: Column[] = [];
  for (let t = Date.parse(usage.from); t <= Date.parse(usage.to); t += DAY_MS) {
    const tokens = byDay.get(isoDay(t)) ?? new Map<string, number>();
    columns.push({ day: isoDay(t), tokens, total: [...tokens.values()].reduce((a, b) => a + b, 0) });
  }
  return { series, columns };
}

function UsageReport(props: { usage: Usage }) {
  const summary = createMemo(() => summarise(props.usage));
  const range = () => `${day(props.usage.from)} to ${day(props.usage.to)}`;
  return (
    <>
      <section class="card stack" aria-labelledby="daily-heading">
        <h2 id="daily-heading">Tokens per day</h2>
        <p class="muted small">{range()}, by model. Usage is rolled up hourly, so the last hour may not show yet.</p>
        <DailyChart series={summary().series} columns={summary().columns} />
      </section>

      <section class="card stack" aria-labelledby="models-heading">
        <h2 id="models-heading">By model</h2>
        <p class="muted small">{range()}.</p>
        {/* biome-ignore lint/a11y/useSemanticElements: a named, focusable scroll region around the table, as axe asks; not a document section */}
        <div class="table-scroll cards" role="region" aria-label="Requests, tokens and cost by model" tabindex="0">
          <table class="figures">
            <thead>
              <tr>
                <th scope="col">Model</th>
                <UsageColumns />
              </tr>
            </thead>
            <tbody>
              <For each={summary().series}>
                {(s) => (
                  <tr>
                    <th scope="row">
                      <span class={`swatch series-${s.colour}`} aria-hidden="true" />
                      {s.label}
                      <Show when={s.label !== s.model}>
                        <span class="model-id small muted">{s.model}</span>
                      </Show>
                    </th>
                    <UsageCells
                      requests={s.requests}
                      inputTokens={s.inputTokens}
                      outputTokens={s.outputTokens}
                      cost={s.cost}
                    />
                  </tr>
                )}
              </For>
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">Total</th>
                <UsageCells
                  requests={props.usage.totals.requests}
                  inputTokens={props.usage.totals.inputTokens}
                  outputTokens={props.usage.totals.outputTokens}
                  cost={props.usage.totals.costUsd}
                />
              </tr>
            </tfoot>
          </table>
        </div>
      </section>
    </>
  );
}

/** Rounds a chart's top up to 1, 2 or 5 times a power of ten, so the scale reads easily. */
function niceCeiling(value: number) {
  const power = 10 ** Math.floor(Math.log10(Math.max(1, value)));
  return [1, 2, 5, 10].map((m) => m * power).find((step) => step >= value) ?? 10 * power;
}

const CHART_HEIGHT = 100;
const SLOT = 10;

/** Stacked bars of tokens per day, one colour per model; its numbers also as a table in a disclosure. */
function DailyChart(props: { series: Series[]; columns: Column[] }) {
  const top = createMemo(() => niceCeiling(Math.max(1, ...props.columns.map((c) => c.total))));
  const busiest = createMemo(() => props.columns.reduce((a, b) => (b.total > a.total ? b : a)));
  const active = () => props.columns.filter((c) => c.total > 0);
  const total = () => props.columns.reduce((sum, c) => sum + c.total, 0);
  const title = () =>
    `Tokens per day by model over ${props.columns.length} days: ${count(total())} tokens in all, used on ${active().length} ${active().length === 1 ? 'day' : 'days'}; ` +
    `the busiest was ${day(busiest().day)} with ${count(busiest().total)}. The numbers follow as a table.`;
  const y = (tokens: number) => CHART_HEIGHT - (tokens / top()) * CHART_HEIGHT;
  const middle = () => props.columns[Math.floor((props.columns.length - 1) / 2)];
  return (
    <figure class="chart">
      <div class="chart-plot">
        <div class="chart-scale small muted" aria-hidden="true">
          <span>{count(top())}</span>
          <span>{count(top() / 2)}</span>
          <span>0</span>
        </div>
        <svg
          class="chart-bars"
          viewBox={`0 0 ${props.columns.length * SLOT} ${CHART_HEIGHT}`}
          preserveAspectRatio="none"
          role="img"
          aria-labelledby="daily-chart-title"
        >
          <title id="daily-chart-title">{title()}</title>
          <For each={[0.25, 0.5, 0.75]}>
            {(f) => (
              <line class="gridline" x1="0" x2={props.columns.length * SLOT} y1={y(top() * f)} y2={y(top() * f)} />
            )}
          </For>
          <For each={props.columns}>
            {(column, i) => {
              let below = 0;
              const segments = props.series.flatMap((s) => {
                const tokens = column.tokens.get(s.model) ?? 0;
                if (tokens === 0) return [];
                below += tokens;
                return [{ s, tokens, top: below }];
              });
              const detail = segments.map((seg) => `${seg.s.label} ${count(seg.tokens)}`).join(', ');
              return (
                <g>
                  <title>{`${day(column.day)}: ${count(column.total)} tokens${detail ? ` (${detail})` : ''}`}</title>
                  {/* A full-height hit area, so even a tiny bar shows its tooltip. */}
                  <rect class="hit" x={i() * SLOT} y="0" width={SLOT} height={CHART_HEIGHT} />
                  <For each={segments}>
                    {(seg) => (
                      <rect
                        class={`bar series-${seg.s.colour}`}
                        x={i() * SLOT + 1}
                        width={SLOT - 2}
                        y={y(seg.top)}
                        height={CHART_HEIGHT - y(seg.tokens)}
                      />
                    )}
                  </For>
                </g>
              );
            }}
          </For>
        </svg>
        <div class="chart-days small muted" aria-hidden="true">
          <span>{shortDay(props.columns[0]!.day)}</span>
          <span>{shortDay(middle()!.day)}</span>
          <span>{shortDay(props.columns.at(-1)!.day)}</span>
        </div>
      </div>
      <figcaption>
        <ul class="legend" aria-label="Models">
          <For each={props.series}>
            {(s) => (
              <li>
                <span class={`swatch series-${s.colour}`} aria-hidden="true" />
                {s.label} <span class="muted">({count(s.inputTokens + s.outputTokens)} tokens)</span>
              </li>
            )}
          </For>
        </ul>
      </figcaption>
      <details class="chart-table">
        <summary>Show the chart's numbers as a table</summary>
        {/* biome-ignore lint/a11y/useSemanticElements: a named, focusable scroll region around the table, as axe asks; not a document section */}
        <div class="table-scroll" role="region" aria-label="Tokens per day by model" tabindex="0">
          <table class="figures">
            <caption class="visually-hidden">Tokens per day by model; days without usage are left out</caption>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <For each={props.series}>
                  {(s) => (
                    <th scope="col" class="num">
                      {s.label}
                    </th>
                  )}
                </For>
                <th scope="col" class="num">
                  Total
                </th>
              </tr>
            </thead>
            <tbody>
              <For each={active()}>
                {(column) => (
                  <tr>
                    <th scope="row">{day(column.day)}</th>
                    <For each={props.series}>
                      {(s) => <td class="num">{count(column.tokens.get(s.model) ?? 0)}</td>}
                    </For>
                    <td class="num">{count(column.total)}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
        <p class="small muted">Days without usage are left out.</p>
      </details>
    </figure>
  );
}
