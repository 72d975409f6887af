// The loading, error and empty states every settings page shows while its data arrives, in one
// place so that Keys, Sites, Billing and Usage look, read and announce themselves alike.
import { type Accessor, type JSX, Match, type Resource, Switch } from 'solid-js';
import { requestErrorWords } from '../lib/errors.ts';

/**
 * One resource's states: a polite status while it loads, an alert with a Try again button when it
 * fails, `empty` when `isEmpty` says the loaded value has nothing to show, and `children` with the
 * value otherwise. A refetch keeps showing the value it had.
 */
export function PageState<T>(props: {
  resource: Resource<T>;
  /** What is loaded, as the start of a sentence: "Your keys" (… could not be loaded). */
  what: string;
  /** Said while it loads: "Loading your keys…". */
  loading: string;
  retry: () => unknown;
  isEmpty?: (value: T) => boolean;
  empty?: JSX.Element;
  /** Loading and error drawn as a card of their own, for states that are not inside a card already. */
  card?: boolean;
  children: (value: Accessor<NonNullable<T>>) => JSX.Element;
}) {
  // Reading an errored resource throws its error, so every branch after the first checks the state.
  const loaded = () => (props.resource.state === 'errored' ? undefined : props.resource());
  return (
    <Switch
      fallback={
        <p class={props.card ? 'card muted' : 'muted'} role="status" aria-live="polite">
          {props.loading}
        </p>
      }
    >
      <Match when={props.resource.state === 'errored'}>
        <LoadError what={props.what} error={props.resource.error} retry={props.retry} card={props.card} />
      </Match>
      <Match when={props.isEmpty && loaded() !== undefined && props.isEmpty(loaded() as T)}>{props.empty}</Match>
      <Match when={loaded()}>{(value) => props.children(value)}</Match>
    </Switch>
  );
}

/** The data could not be loaded: what, why in words, and a way to try again. */
function LoadError(props: { what: string; error: unknown; retry: () => unknown; card?: boolean }) {
  return (
    <div class={props.card ? 'card stack' : 'stack'} role="alert">
      <p class="error">
        {props.what} could not be loaded: {requestErrorWords(props.error)}
      </p>
      <button type="button" class="ghost" onClick={() => props.retry()}>
        Try again
      </button>
    </div>
  );
}
