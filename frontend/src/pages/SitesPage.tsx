// Widget sites: the websites allowed to embed a Parley chat, each with its model, prompt, greeting
// and look; the one-line snippet to paste, and a live preview of the widget as visitors see it.
import { A } from '@solidjs/router';
import { createResource, createSignal, For, Show } from 'solid-js';
import { PageState } from '../components/PageState.tsx';
import { api, ApiError, type Site, type SiteInput } from '../lib/api.ts';
import { fieldProblems, requestErrorWords } from '../lib/errors.ts';
import { count } from '../lib/format.ts';
import { inPlan, lockReason, modelLabel, models } from '../lib/models.ts';
import './pages.css';

const DEFAULT_THEME: Site['theme'] = { color: '#3547d8', position: 'bottom-right', scheme: 'auto' };

export const snippet = (site: Site) =>
  `<script src="${location.origin}/widget.js" data-site="${site.publicKey}" async></script>`;

export default function SitesPage() {
  const [sites, { mutate, refetch }] = createResource(async () => (await api.sites()).items);
  const [editing, setEditing] = createSignal<Site | 'new'>();
  const [status, setStatus] = createSignal('');

  const saved = (site: Site) => {
    mutate((list) => [site, ...(list ?? []).filter((s) => s.id !== site.id)]);
    setEditing(undefined);
    setStatus(`Site “${site.name}” saved.`);
  };

  return (
    <main class="settings-page sites-page">
      <h1>Sites</h1>
      <p>
        Put a Parley chat on your own website with one line. Visitors chat with the model you choose, with your prompt;
        their replies count against your plan's quota. Each site's own view shows its visitors' conversations
        (read-only), what they ask most, what they cost, and their privacy settings.
      </p>
      <p class="visually-hidden" role="status">
        {status()}
      </p>
      <Show
        when={editing()}
        fallback={
          <button type="button" class="primary" onClick={() => setEditing('new')}>
            Add a site
          </button>
        }
      >
        {(current) => (
          <SiteForm
            site={current() === 'new' ? undefined : (current() as Site)}
            onSaved={saved}
            onCancel={() => setEditing(undefined)}
          />
        )}
      </Show>
      <PageState
        resource={sites}
        what="Your sites"
        loading="Loading your sites…"
        retry={refetch}
        card
        isEmpty={(list) => list.length === 0}
        empty={<p class="muted">No sites yet.</p>}
      >
        {(list) => (
          <For each={list()}>
            {(site) => (
              <SiteCard
                site={site}
                onEdit={() => setEditing(site)}
                onChanged={(changed) => mutate((all) => all?.map((s) => (s.id === changed.id ? changed : s)))}
                onDeleted={() => {
                  mutate((all) => all?.filter((s) => s.id !== site.id));
                  setStatus(`Site “${site.name}” deleted.`);
                }}
              />
            )}
          </For>
        )}
      </PageState>
    </main>
  );
}

function SiteCard(props: { site: Site; onEdit: () => void; onChanged: (site: Site) => void; onDeleted: () => void }) {
  const [copied, setCopied] = createSignal('');
  const [preview, setPreview] = createSignal(false);
  const [error, setError] = createSignal<string>();
  let dialog!: HTMLDialogElement;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(snippet(props.site));
      setCopied('Snippet copied.');
    } catch {
      setCopied('Could not copy: select the snippet and copy it yourself.');
    }
    setTimeout(() => setCopied(''), 4000);
  };
  const remove = async () => {
    dialog.close();
    try {
      await api.deleteSite(props.site.id);
      props.onDeleted();
    } catch (e) {
      setError(`The site was not deleted: ${requestErrorWords(e)}`);
    }
  };
  // Setting the model the site has now is the owner saying they have seen why it changed.
  const dismissNotice = async () => {
    try {
      props.onChanged(await api.updateSite(props.site.id, { model: props.site.model }));
    } catch (e) {
      setError(`The notice was not dismissed: ${requestErrorWords(e)}`);
    }
  };
  const headingId = `site-${props.site.id}`;
  return (
    <section class="card stack site" aria-labelledby={headingId}>
      <h2 id={headingId}>{props.site.name}</h2>
      <p class="muted small">
        Allowed on {props.site.allowedOrigins.join(', ')} ·{' '}
        {props.site.model ? modelLabel(props.site.model) : 'the default model'} · {props.site.visitorRequestsPerMinute}{' '}
        messages a minute and {props.site.conversationsPerVisitorPerHour} conversations an hour per visitor ·{' '}
        {props.site.sessionsPerIpPerMinute} sessions a minute per network address · {count(props.site.dailyTokenBudget)}{' '}
        tokens a day
        <Show when={props.site.turnstile}> · Turnstile on</Show>
      </p>
      <Show when={props.site.modelNotice}>
        {(notice) => (
          <div class="notice">
            <p>
              Model changed to {modelLabel(notice().to)} because your plan no longer includes{' '}
              {modelLabel(notice().from)}. Visitors kept chatting; choose another model with Edit.
            </p>
            <button type="button" class="ghost" onClick={() => void dismissNotice()}>
              Dismiss<span class="visually-hidden"> the model change notice for {props.site.name}</span>
            </button>
          </div>
        )}
      </Show>
      <Show when={props.site.publicSuffixOrigins.length > 0}>
        <div class="notice error">
          <p>
            <For each={props.site.publicSuffixOrigins}>{(origin) => <>{wideOriginWords(origin)} </>}</For>
            It still works there for now: edit the site and name your own domain.
          </p>
        </div>
      </Show>
      <label for={`snippet-${props.site.id}`}>
        Paste this into your pages, before <code>&lt;/body&gt;</code>
      </label>
      <div class="row">
        <input
          id={`snippet-${props.site.id}`}
          class="secret"
          readonly
          value={snippet(props.site)}
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" class="primary" onClick={() => void copy()}>
          Copy<span class="visually-hidden"> the snippet for {props.site.name}</span>
        </button>
      </div>
      <p class="small" role="status">
        {copied()}
      </p>
      <Show when={error()}>
        {(message) => (
          <p class="error" role="alert">
            {message()}
          </p>
        )}
      </Show>
      <div class="row">
        <button type="button" class="ghost" aria-expanded={preview()} onClick={() => setPreview(!preview())}>
          {preview() ? 'Hide preview' : 'Preview'}
        </button>
        <button type="button" class="ghost" onClick={() => props.onEdit()}>
          Edit<span class="visually-hidden"> {props.site.name}</span>
        </button>
        <button type="button" class="danger" onClick={() => dialog.showModal()}>
          Delete<span class="visually-hidden"> {props.site.name}</span>
        </button>
      </div>
      <p>
        <A href={`/sites/${props.site.id}`}>
          Visitors, questions, costs and privacy<span class="visually-hidden"> of {props.site.name}</span>
        </A>
      </p>
      <Show when={preview()}>
        <iframe
          class="site-preview"
          title={`Preview of the widget for ${props.site.name}`}
          srcdoc={previewPage(props.site)}
        />
      </Show>
      <dialog ref={dialog} aria-labelledby={`delete-${props.site.id}`}>
        <form method="dialog" class="stack">
          <h2 id={`delete-${props.site.id}`}>Delete “{props.site.name}”?</h2>
          <p>The widget stops working on your website at once. Its visitors' conversations are kept.</p>
          <div class="row">
            <button type="submit" class="ghost" autofocus>
              Cancel
            </button>
            <button type="button" class="danger" onClick={() => void remove()}>
              Delete site
            </button>
          </div>
        </form>
      </dialog>
    </section>
  );
}

/** A blank page with the snippet in it: the widget as a visitor meets it (this app's origin is always allowed to preview). */
function previewPage(site: Site) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Preview</title><link rel="stylesheet" href="/preview.css"></head><body>Your page${snippet(site)}</body></html>`;
}

/** Why an allowed origin saved before public suffixes were refused is too wide ("https://*.github.io"). */
function wideOriginWords(origin: string) {
  const host = origin.replace(/^https?:\/\/(\*\.)?/, '').replace(/:\d+$/, '');
  return origin.includes('://*.')
    ? `${origin} lets anyone with a ${host} page use this widget: ${host} is a public suffix.`
    : `${origin} is a public suffix, not a site: anyone can have a page under ${host}.`;
}

/** The site form's fields that can show a problem of their own; any other problem shows below the form. */
const FORM_FIELDS = new Set([
  'name',
  'allowedOrigins',
  'model',
  'systemPrompt',
  'greeting',
  'visitorRequestsPerMinute',
  'sessionsPerIpPerMinute',
  'conversationsPerVisitorPerHour',
  'dailyTokenBudget',
  'turnstile',
]);

type LimitName =
  | 'visitorRequestsPerMinute'
  | 'sessionsPerIpPerMinute'
  | 'conversationsPerVisitorPerHour'
  | 'dailyTokenBudget';
/** The limits a site's owner sets, in the order the form shows them, with their words, ranges and defaults (as the server has them). */
const LIMITS: ReadonlyArray<{
  name: LimitName;
  label: string;
  hint: string;
  min: number;
  max: number;
  default: number;
}> = [
  {
    name: 'visitorRequestsPerMinute',
    label: 'Messages a minute per visitor',
    hint: 'how fast one visitor may send',
    min: 1,
    max: 600,
    default: 10,
  },
  {
    name: 'conversationsPerVisitorPerHour',
    label: 'Conversations an hour per visitor',
    hint: 'new conversations one visitor may start in any hour',
    min: 1,
    max: 1000,
    default: 20,
  },
  {
    name: 'sessionsPerIpPerMinute',
    label: 'Chat sessions a minute per network address',
    hint: 'people behind one office or school network share this',
    min: 1,
    max: 1000,
    default: 10,
  },
  {
    name: 'dailyTokenBudget',
    label: 'Tokens a day for the whole site',
    hint: 'once used, visitors are asked to come back the next day (midnight UTC); it also caps what visitors cost you',
    min: 1000,
    max: 1_000_000_000,
    default: 200_000,
  },
];

/** The server's refusal of the chosen model (not in the plan, or not offered here), as the model field's problem. */
function modelProblem(error: unknown): Record<string, string[]> | undefined {
  return error instanceof ApiError && (error.code === 'model_not_in_plan' || error.code === 'unknown_model')
    ? { model: [requestErrorWords(error)] }
    : undefined;
}

function FieldProblems(props: { field: string; problems: Record<string, string[]> }) {
  return (
    <Show when={props.problems[props.field]}>
      {(list) => (
        <p id={`${props.field}-problem`} class="error small field-problem">
          <For each={list()}>{(words) => <span class="problem-line">{words}</span>}</For>
        </p>
      )}
    </Show>
  );
}

function SiteForm(props: { site?: Site; onSaved: (site: Site) => void; onCancel: () => void }) {
  const initial = props.site;
  const [name, setName] = createSignal(initial?.name ?? '');
  const [origins, setOrigins] = createSignal((initial?.allowedOrigins ?? []).join('\n'));
  const [model, setModel] = createSignal(initial?.model ?? '');
  const [prompt, setPrompt] = createSignal(initial?.systemPrompt ?? '');
  const [greeting, setGreeting] = createSignal(initial?.greeting ?? '');
  const [theme, setTheme] = createSignal({ ...DEFAULT_THEME, ...initial?.theme });
  const [limits, setLimits] = createSignal(
    Object.fromEntries(LIMITS.map((l) => [l.name, initial?.[l.name] ?? l.default])) as Record<LimitName, number>,
  );
  // Cloudflare Turnstile: the secret is never sent back, so an empty field keeps the stored one.
  const [turnstileOn, setTurnstileOn] = createSignal(Boolean(initial?.turnstile));
  const [turnstileKey, setTurnstileKey] = createSignal(initial?.turnstile?.siteKey ?? '');
  const [turnstileSecret, setTurnstileSecret] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string>();
  // Problems the server found, by field, shown next to the field they belong to.
  const [problems, setProblems] = createSignal<Record<string, string[]>>({});
  /** What a field needs to point at its problems (the message is rendered by <FieldProblems>). */
  const invalid = (field: string) =>
    problems()[field] ? { 'aria-invalid': true, 'aria-describedby': `${field}-problem` } : {};

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (busy()) return;
    const input: SiteInput = {
      name: name().trim(),
      allowedOrigins: origins()
        .split(/[\s,]+/)
        .map((o) => o.trim())
        .filter(Boolean),
      model: model() || null,
      systemPrompt: prompt().trim() || null,
      greeting: greeting().trim() || null,
      theme: theme(),
      ...limits(),
      turnstile: turnstileOn()
        ? { siteKey: turnstileKey().trim(), secretKey: turnstileSecret().trim() || undefined }
        : null,
    };
    setBusy(true);
    setError(undefined);
    setProblems({});
    try {
      props.onSaved(initial ? await api.updateSite(initial.id, input) : await api.createSite(input));
    } catch (e) {
      const byField = fieldProblems(e) ?? modelProblem(e);
      if (byField && Object.keys(byField).every((field) => FORM_FIELDS.has(field))) {
        setProblems(byField);
        document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      } else setError(requestErrorWords(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card stack" aria-labelledby="site-form-heading">
      <h2 id="site-form-heading">{initial ? `Edit “${initial.name}”` : 'Add a site'}</h2>
      <form class="stack site-form" onSubmit={submit}>
        <label for="site-name">Name</label>
        <input
          id="site-name"
          required
          maxlength={100}
          value={name()}
          onInput={(e) => setName(e.currentTarget.value)}
          {...invalid('name')}
        />
        <FieldProblems field="name" problems={problems()} />
        <label for="site-origins">
          Allowed origins{' '}
          <span class="muted small">
            (one per line: https://example.com, or https://*.example.com for its subdomains)
          </span>
        </label>
        <textarea
          id="site-origins"
          required
          rows={3}
          value={origins()}
          onInput={(e) => setOrigins(e.currentTarget.value)}
          {...invalid('allowedOrigins')}
        />
        <FieldProblems field="allowedOrigins" problems={problems()} />
        <label for="site-model">Model</label>
        {/* No spread here: Solid would set a spread `value` before the options exist, and the select would show the first. */}
        <select
          id="site-model"
          value={model()}
          onChange={(e) => setModel(e.currentTarget.value)}
          aria-invalid={problems().model ? true : undefined}
          aria-describedby={problems().model ? 'model-problem' : undefined}
        >
          <option value="">The default model</option>
          <For each={models() ?? []}>
            {(m) => (
              <option value={m.id} disabled={!inPlan(m.id) && m.id !== initial?.model}>
                {m.label}
                {m.offline ? ' (offline demo)' : ''}
                {inPlan(m.id) ? '' : ` · ${lockReason(m)}`}
              </option>
            )}
          </For>
        </select>
        <FieldProblems field="model" problems={problems()} />
        <label for="site-prompt">
          System prompt <span class="muted small">(what the model should know and how it should answer)</span>
        </label>
        <textarea
          id="site-prompt"
          rows={3}
          maxlength={20000}
          value={prompt()}
          onInput={(e) => setPrompt(e.currentTarget.value)}
          {...invalid('systemPrompt')}
        />
        <FieldProblems field="systemPrompt" problems={problems()} />
        <label for="site-greeting">
          Greeting <span class="muted small">(shown when a visitor opens the chat)</span>
        </label>
        <input
          id="site-greeting"
          maxlength={500}
          value={greeting()}
          onInput={(e) => setGreeting(e.currentTarget.value)}
          {...invalid('greeting')}
        />
        <FieldProblems field="greeting" problems={problems()} />
        <div class="row">
          <label for="site-color">Colour</label>
          <input
            id="site-color"
            type="color"
            value={theme().color}
            onInput={(e) => setTheme({ ...theme(), color: e.currentTarget.value })}
          />
          <label for="site-position">Position</label>
          <select
            id="site-position"
            value={theme().position}
            onChange={(e) => setTheme({ ...theme(), position: e.currentTarget.value as Site['theme']['position'] })}
          >
            <option value="bottom-right">Bottom right</option>
            <option value="bottom-left">Bottom left</option>
          </select>
          <label for="site-scheme">Theme</label>
          <select
            id="site-scheme"
            value={theme().scheme}
            onChange={(e) => setTheme({ ...theme(), scheme: e.currentTarget.value as Site['theme']['scheme'] })}
          >
            <option value="auto">Follow the visitor's system</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </select>
        </div>
        <fieldset class="stack site-limits">
          <legend>Limits for visitors</legend>
          <p class="muted small">
            They keep a script or a crowd from using up your quota. Visitors past one are told politely when to try
            again; your own chat is never held up by them.
          </p>
          <For each={LIMITS}>
            {(limit) => (
              <div class="stack">
                <label for={`site-${limit.name}`}>
                  {limit.label} <span class="muted small">({limit.hint})</span>
                </label>
                <input
                  id={`site-${limit.name}`}
                  type="number"
                  required
                  min={limit.min}
                  max={limit.max}
                  value={limits()[limit.name]}
                  onInput={(e) => setLimits({ ...limits(), [limit.name]: Number(e.currentTarget.value) })}
                  {...invalid(limit.name)}
                />
                <FieldProblems field={limit.name} problems={problems()} />
              </div>
            )}
          </For>
        </fieldset>
        <fieldset class="stack">
          <legend>Cloudflare Turnstile</legend>
          <label class="row">
            <input
              id="site-turnstile"
              type="checkbox"
              checked={turnstileOn()}
              onChange={(e) => setTurnstileOn(e.currentTarget.checked)}
            />
            Ask new visitors to pass a Turnstile check before they chat
          </label>
          <Show when={turnstileOn()}>
            <p class="muted small">
              Create a Turnstile widget for this site's domains in Cloudflare's dashboard and enter its keys. Pages with
              a Content-Security-Policy must allow https://challenges.cloudflare.com in script-src and frame-src.
            </p>
            <label for="site-turnstile-key">Turnstile site key</label>
            <input
              id="site-turnstile-key"
              required
              maxlength={100}
              autocomplete="off"
              value={turnstileKey()}
              onInput={(e) => setTurnstileKey(e.currentTarget.value)}
              {...invalid('turnstile')}
            />
            <label for="site-turnstile-secret">
              Turnstile secret key{' '}
              <span class="muted small">
                {initial?.turnstile ? '(stored and never shown: leave empty to keep it)' : '(never shown again)'}
              </span>
            </label>
            <input
              id="site-turnstile-secret"
              type="password"
              autocomplete="off"
              required={!initial?.turnstile}
              maxlength={200}
              value={turnstileSecret()}
              onInput={(e) => setTurnstileSecret(e.currentTarget.value)}
              {...invalid('turnstile')}
            />
            <FieldProblems field="turnstile" problems={problems()} />
          </Show>
        </fieldset>
        <Show when={error()}>
          {(message) => (
            <p class="error" role="alert">
              {message()}
            </p>
          )}
        </Show>
        <div class="row">
          <button type="submit" class="primary" aria-disabled={busy()}>
            {busy() ? 'Saving…' : 'Save site'}
          </button>
          <button type="button" class="ghost" onClick={() => props.onCancel()}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
