import { For, type Resource, Show } from 'solid-js';
import { PageState } from '../PageState.tsx';
import { CellLabel } from '../CellLabel.tsx';
import { UsageCells, UsageColumns } from '../UsageCells.tsx';
import type { SiteInsights } from '../../lib/api.ts';
import { count, day } from '../../lib/format.ts';

/** What each refusal reason means to a site's owner. */
const REASONS: Record<string, string> = {
  requests_per_minute: 'A visitor sent too fast',
  concurrent_streams: 'Too many replies at once',
  quota_exceeded: 'Monthly quota used up',
  quota_in_use: 'Quota held by replies in progress',
  model_not_in_plan: "Site's model not in your plan",
  origin_not_allowed: 'Page on an origin not allowed',
};
const reasonWords = (reason: string) => REASONS[reason] ?? reason.replaceAll('_', ' ');

/** A site's questions asked most, tokens and cost per day, and refusals per day and reason: each as a list or table a screen reader reads. */
export function SiteInsightsView(props: { insights: Resource<SiteInsights>; retry: () => void }) {
  return (
    <PageState
      resource={props.insights}
      what="This site's figures"
      loading="Loading the figures…"
      retry={props.retry}
      card
    >
      {(insights) => (
        <>
          <section class="card stack" aria-labelledby="questions-heading">
            <h2 id="questions-heading">Questions asked most</h2>
            <p class="small muted">
              The first message of each conversation started since {day(insights().from)}, in lower case and without
              punctuation at either end; the same words count as one question.
            </p>
            <Show when={insights().topQuestions.length > 0} fallback={<p class="muted">No questions yet.</p>}>
              <ol class="top-questions">
                <For each={insights().topQuestions}>
                  {(row) => (
                    <li>
                      <span class="question">{row.question}</span>{' '}
                      <span class="muted small">
                        {count(row.count)} {row.count === 1 ? 'time' : 'times'}
                      </span>
                    </li>
                  )}
                </For>
              </ol>
            </Show>
          </section>

          <section class="card stack" aria-labelledby="site-usage-heading">
            <h2 id="site-usage-heading">Tokens and cost per day</h2>
            <Show
              when={insights().usage.length > 0}
              fallback={<p class="muted">No replies since {day(insights().from)}.</p>}
            >
              {/* biome-ignore lint/a11y/useSemanticElements: a named, focusable scroll region around the table, as axe asks; not a document section */}
              <div class="table-scroll cards" role="region" aria-label="Tokens and cost per day" tabindex="0">
                <table>
                  <caption class="visually-hidden">Replies, tokens and cost per day (UTC)</caption>
                  <thead>
                    <tr>
                      <th scope="col">Day</th>
                      <UsageColumns requestsLabel="Replies" />
                    </tr>
                  </thead>
                  <tbody>
                    <For each={insights().usage}>
                      {(row) => (
                        <tr>
                          <th scope="row">{day(row.day)}</th>
                          <UsageCells
                            requestsLabel="Replies"
                            requests={row.requests}
                            inputTokens={row.inputTokens}
                            outputTokens={row.outputTokens}
                            cost={row.costUsd}
                          />
                        </tr>
                      )}
                    </For>
                  </tbody>
                  <tfoot>
                    <tr>
                      <th scope="row">30 days</th>
                      <UsageCells
                        requestsLabel="Replies"
                        requests={sum(insights().usage, (r) => r.requests)}
                        inputTokens={sum(insights().usage, (r) => r.inputTokens)}
                        outputTokens={sum(insights().usage, (r) => r.outputTokens)}
                        cost={sum(insights().usage, (r) => Number(r.costUsd))}
                      />
                    </tr>
                  </tfoot>
                </table>
              </div>
            </Show>
          </section>

          <section class="card stack" aria-labelledby="refusals-heading">
            <h2 id="refusals-heading">Refused requests</h2>
            <Show
              when={insights().refusals.length > 0}
              fallback={<p class="muted">Nothing refused since {day(insights().from)}.</p>}
            >
              {/* biome-ignore lint/a11y/useSemanticElements: a named, focusable scroll region around the table, as axe asks; not a document section */}
              <div
                class="table-scroll cards"
                role="region"
                aria-label="Refused requests per day and reason"
                tabindex="0"
              >
                <table>
                  <caption class="visually-hidden">Visitors' requests refused, per day (UTC) and reason</caption>
                  <thead>
                    <tr>
                      <th scope="col">Day</th>
                      <th scope="col">Reason</th>
                      <th scope="col" class="num">
                        Refused
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={insights().refusals}>
                      {(row) => (
                        <tr>
                          <th scope="row">{day(row.day)}</th>
                          <td>
                            <CellLabel>Reason</CellLabel>
                            {reasonWords(row.reason)}
                          </td>
                          <td class="num">
                            <CellLabel>Refused</CellLabel>
                            {count(row.count)}
                          </td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
            </Show>
          </section>
        </>
      )}
    </PageState>
  );
}

function sum<T>(rows: T[], value: (row: T) => number) {
  return rows.reduce((total, row) => total + value(row), 0);
}
