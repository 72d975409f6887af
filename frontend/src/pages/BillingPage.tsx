// The signed-in user's plan and its limits, and the way to Stripe: Checkout to upgrade from free,
// the Customer Portal to manage a paid plan. Without billing on this server, only the plan shows.
import { createResource, createSignal, For, onCleanup, Show } from 'solid-js';
import { PageState } from '../components/PageState.tsx';
import { api, ApiError, type Config, type Me, type Plan } from '../lib/api.ts';
import { requestErrorWords } from '../lib/errors.ts';
import { count } from '../lib/format.ts';
import { models } from '../lib/models.ts';
import './pages.css';

const TIER_NAMES: Record<Me['tier'], string> = { free: 'Free', pro: 'Pro', enterprise: 'Enterprise' };

export default function BillingPage(props: { config: Config }) {
  const [me, { refetch }] = createResource(() => api.me());
  return (
    <main class="settings-page billing-page">
      <h1>Billing</h1>
      <PageState resource={me} what="Your plan" loading="Loading your plan…" retry={refetch} card>
        {(loaded) => (
          <>
            <section class="card stack" aria-labelledby="plan-heading">
              <h2 id="plan-heading">Your plan: {TIER_NAMES[loaded().tier]}</h2>
              <PlanLimits plan={loaded().plan} />
            </section>
            <section class="card stack" aria-labelledby="change-heading">
              <h2 id="change-heading">{loaded().tier === 'free' ? 'Upgrade' : 'Manage your subscription'}</h2>
              <Show
                when={props.config.billing}
                fallback={
                  <p class="notice">
                    Billing is not configured on this server, so plans cannot be bought or changed here.
                  </p>
                }
              >
                <StripeActions tier={loaded().tier} />
              </Show>
            </section>
          </>
        )}
      </PageState>
    </main>
  );
}

/** What the plan allows, in words; the models part names which of this server's models it covers. */
function PlanLimits(props: { plan: Plan }) {
  const priceCap = () => props.plan.maxOutputPricePerMillion;
  const offered = models;
  const included = () =>
    offered()?.filter((m) => priceCap() === null || m.price.outputPerMillionTokens <= priceCap()!) ?? [];
  const excluded = () =>
    offered()?.filter((m) => priceCap() !== null && m.price.outputPerMillionTokens > priceCap()!) ?? [];
  return (
    <dl class="plan-limits">
      <div>
        <dt>Tokens a month</dt>
        <dd>
          {props.plan.monthlyTokens === null ? 'Unlimited' : count(props.plan.monthlyTokens)}
          <span class="muted"> (input and output together; the count starts again on the 1st of each month, UTC)</span>
        </dd>
      </div>
      <div>
        <dt>Requests a minute</dt>
        <dd>
          {count(props.plan.requestsPerMinute)} <span class="muted">(that many may also arrive at once)</span>
        </dd>
      </div>
      <div>
        <dt>Replies at once</dt>
        <dd>
          {count(props.plan.concurrentStreams)}{' '}
          <span class="muted">(replies being written at the same time, across conversations and API keys)</span>
        </dd>
      </div>
      <div>
        <dt>Models</dt>
        <dd>
          {priceCap() === null
            ? 'Every model on this server'
            : `Models costing up to $${priceCap()} per million output tokens`}
          <Show when={offered()}>
            <span class="model-group">
              <span class="muted">Included: </span>
              <Show when={included().length > 0} fallback="none of this server's models">
                <ModelNames names={included().map((m) => m.label)} />
              </Show>
            </span>
            <Show when={excluded().length > 0}>
              <span class="model-group">
                <span class="muted">Not included: </span>
                <ModelNames names={excluded().map((m) => m.label)} />
              </span>
            </Show>
          </Show>
        </dd>
      </div>
    </dl>
  );
}

function ModelNames(props: { names: string[] }) {
  return (
    <For each={props.names}>
      {(name, i) => (
        <>
          {i() > 0 ? ', ' : ''}
          <span class="model-name">{name}</span>
        </>
      )}
    </For>
  );
}

/** Upgrade on the free tier, manage otherwise; each asks the server for a Stripe page and goes there. */
function StripeActions(props: { tier: Me['tier'] }) {
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string>();
  // Coming back from Stripe with the browser's Back button restores this page as it was left: busy.
  const restored = (event: PageTransitionEvent) => event.persisted && setBusy(false);
  window.addEventListener('pageshow', restored);
  onCleanup(() => window.removeEventListener('pageshow', restored));

  const open = async (session: () => Promise<{ url: string }>) => {
    if (busy()) return;
    setBusy(true);
    setError(undefined);
    try {
      location.assign((await session()).url);
    } catch (e) {
      setError(billingErrorWords(e));
      setBusy(false);
    }
  };
  return (
    <>
      <Show
        when={props.tier === 'free'}
        fallback={
          <>
            <p>Change your payment method, see invoices or cancel in Stripe's customer portal.</p>
            <button type="button" class="primary" aria-disabled={busy()} onClick={() => void open(api.portal)}>
              {busy() ? 'Opening the portal…' : 'Manage billing'}
            </button>
          </>
        }
      >
        <p>
          Pro raises these limits and opens every model. You pay through Stripe Checkout, and can cancel at any time.
        </p>
        <button type="button" class="primary" aria-disabled={busy()} onClick={() => void open(api.checkout)}>
          {busy() ? 'Opening Stripe Checkout…' : 'Upgrade to Pro'}
        </button>
      </Show>
      <Show when={error()}>
        {(message) => (
          <p class="error" role="alert">
            {message()}
          </p>
        )}
      </Show>
    </>
  );
}

function billingErrorWords(error: unknown): string {
  if (!(error instanceof ApiError)) return requestErrorWords(error);
  switch (error.code) {
    case 'billing_not_configured':
      return 'Billing is not configured on this server, so plans cannot be bought or changed here.';
    case 'no_billing_account':
      return 'You have no billing account here yet, so there is nothing to manage. If your plan was arranged by contract, ask whoever arranged it.';
    case 'billing_upstream_error':
      return `${error.message}. Try again in a moment.`.replace('..', '.');
    default:
      return requestErrorWords(error);
  }
}
