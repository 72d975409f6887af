import { requestErrorWords } from '../lib/errors.ts';

/** A page's data could not be loaded: what, why in words, and a way to try again. */
export function LoadError(props: { what: string; error: unknown; retry: () => unknown; card?: boolean }) {
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
