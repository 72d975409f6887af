import { createSignal, For, Show } from 'solid-js';
import { api, type Site } from '../../lib/api.ts';
import { requestErrorWords } from '../../lib/errors.ts';

const CHOICES = [null, 30, 90, 365] as const;
const words = (days: number | null) =>
  days === null ? 'Keep until deleted' : `Delete after ${days} days without activity`;

/** How long the site's visitors' conversations are kept: off by default, or deleted (hourly) once inactive that long. */
export function SiteRetention(props: { site: Site; onSaved: (site: Site) => void }) {
  const [choice, setChoice] = createSignal<number | null>(props.site.retentionDays);
  const [status, setStatus] = createSignal('');
  const [error, setError] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  const save = async (event: SubmitEvent) => {
    event.preventDefault();
    if (busy()) return;
    setBusy(true);
    setError(undefined);
    setStatus('');
    try {
      const saved = await api.updateSite(props.site.id, { retentionDays: choice() });
      props.onSaved(saved);
      setStatus(
        saved.retentionDays === null
          ? 'Saved: conversations are kept.'
          : `Saved: ${words(saved.retentionDays).toLowerCase()}.`,
      );
    } catch (e) {
      setError(`Not saved: ${requestErrorWords(e)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card stack" aria-labelledby="retention-heading">
      <h2 id="retention-heading">Privacy</h2>
      <form class="stack" onSubmit={save}>
        <label for="site-retention">Visitors' conversations</label>
        <select
          id="site-retention"
          value={String(choice())}
          onChange={(e) => setChoice(e.currentTarget.value === 'null' ? null : Number(e.currentTarget.value))}
        >
          <For each={[...new Set([...CHOICES, props.site.retentionDays])]}>
            {(days) => <option value={String(days)}>{words(days)}</option>}
          </For>
        </select>
        <p class="small muted">
          Deleted conversations are gone from Parley entirely (what they cost stays on your usage). To delete one
          visitor's data on request, open one of their conversations above.
        </p>
        <Show when={error()}>
          {(message) => (
            <p class="error" role="alert">
              {message()}
            </p>
          )}
        </Show>
        <div class="row">
          <button type="submit" class="primary" aria-disabled={busy()}>
            {busy() ? 'Saving…' : 'Save retention'}
          </button>
          <span class="small" role="status">
            {status()}
          </span>
        </div>
      </form>
    </section>
  );
}
