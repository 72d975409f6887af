// The signed-in user's plan and its limits, and the way to Stripe: Checkout to upgrade from free,
// the Customer Portal to manage a paid plan. Without billing on this server, only the plan shows.
import { createResource, createSignal, For, onCleanup, Show } from 'solid-js';
import { PageState } from '../components/PageState.tsx';
import { api, ApiError, type Config, type Me, type Plan, type Plans } from '../lib/api.ts';
import { requestErrorWords } from '../lib/errors.ts';
import { count, money } from '../lib/format.ts';
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
              <PlanLimits plan={loaded().plan} allowed={loaded().allowedModels} />
            </section>
            <PlanComparison tier={loaded().tier} />
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

/** What the plan allows, in words; the models part names which of this server's models it covers (as the server decides). */
function PlanLimits(props: { plan: Plan; allowed: string[] }) {
  const priceCap = () => props.plan.maxOutputPricePerMillion;
  const offered = models;
  const included = () => offered()?.filter((m) => props.allowed.includes(m.id)) ?? [];
  const excluded = () => offered()?.filter((m) => !props.allowed.includes(m.id)) ?? [];
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

const INTERVALS: Record<string, string> = { day: 'a day', week: 'a week', month: 'a month', year: 'a year' };

/** Pro's price in words, as Stripe holds it: "$20.00 a month, plus $0.40 per million tokens". */
function priceWords(price: NonNullable<Plans['pro']['price']>) {
  const flat = `${money(price.unitAmount, price.currency)} ${INTERVALS[price.interval ?? ''] ?? ''}`.trim();
  return price.perMillionTokens === null
    ? flat
    : `${flat}, plus ${money(price.perMillionTokens, price.currency)} per million tokens`;
}

/** Free and Pro side by side: price, limits and models, from the server (tiers, Stripe's price, the models' plans). */
function PlanComparison(props: { tier: Me['tier'] }) {
  const [plans, { refetch }] = createResource(() => api.plans());
  const modelsOf = (tier: 'free' | 'pro') => models()?.filter((m) => m.plans.includes(tier)) ?? [];
  const every = (tier: 'free' | 'pro') => (models()?.length ?? 0) > 0 && modelsOf(tier).length === models()!.length;
  const heading = (tier: 'free' | 'pro', name: string) => (
    <th scope="col">
      {name}
      <Show when={props.tier === tier}>
        <span class="muted small"> (your plan)</span>
      </Show>
    </th>
  );
  const limit = (n: number | null) => (n === null ? 'Unlimited' : count(n));
  return (
    <section class="card stack" aria-labelledby="plans-heading">
      <h2 id="plans-heading">Plans</h2>
      <PageState resource={plans} what="The plans" loading="Loading the plans…" retry={refetch}>
        {(loaded) => (
          <table class="plans">
            <caption class="visually-hidden">Plans compared: Free and Pro</caption>
            <thead>
              <tr>
                <td />
                {heading('free', 'Free')}
                {heading('pro', 'Pro')}
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row">Price</th>
                <td>Free</td>
                <td>
                  <Show when={loaded().pro.price} fallback="Shown at checkout">
                    {(price) => priceWords(price())}
                  </Show>
                </td>
              </tr>
              <tr>
                <th scope="row">Tokens a month</th>
                <td>{limit(loaded().free.limits.monthlyTokens)}</td>
                <td>{limit(loaded().pro.limits.monthlyTokens)}</td>
              </tr>
              <tr>
                <th scope="row">Requests a minute</th>
                <td>{count(loaded().free.limits.requestsPerMinute)}</td>
                <td>{count(loaded().pro.limits.requestsPerMinute)}</td>
              </tr>
              <tr>
                <th scope="row">Replies at once</th>
                <td>{count(loaded().free.limits.concurrentStreams)}</td>
                <td>{count(loaded().pro.limits.concurrentStreams)}</td>
              </tr>
              <tr>
                <th scope="row">Models</th>
                <For each={['free', 'pro'] as const}>
                  {(tier) => (
                    <td>
                      <Show when={!every(tier)} fallback="Every model on this server">
                        <ModelNames names={modelsOf(tier).map((m) => m.label)} />
                      </Show>
                    </td>
                  )}
                </For>
              </tr>
            </tbody>
          </table>
        )}
      </PageState>
    </section>
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
        <p>Pro's price and limits are in Plans above. You pay through Stripe Checkout, and can cancel at any time.</p>
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
