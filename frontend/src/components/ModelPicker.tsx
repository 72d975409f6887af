import { For } from 'solid-js';
import { cannotReadWords, inPlan, lockReason, models, priceWords, providerName } from '../lib/models.ts';
import type { Model } from '../lib/api.ts';

/**
 * Every configured model, by provider, with its price; a model answering through the offline fakes
 * says so. Models the user's plan leaves out are shown locked, with the plan that has them, and
 * cannot be chosen (the server would refuse a send with them); so are models that cannot read a kind
 * of file attached in the composer ("Llama Test cannot read images").
 */
export function ModelPicker(props: {
  value: string | undefined;
  onChange: (id: string) => void;
  disabled?: boolean;
  /** The kinds of file attached in the composer. */
  kinds?: ReadonlySet<string>;
}) {
  const unreadable = (m: Model) => (props.kinds ? cannotReadWords(m, props.kinds) : undefined);
  const groups = () => {
    const byProvider = new Map<string, Model[]>();
    for (const m of models() ?? []) byProvider.set(m.provider, [...(byProvider.get(m.provider) ?? []), m]);
    return [...byProvider];
  };
  return (
    <label class="model-picker">
      <span class="visually-hidden">Model</span>
      <select
        value={props.value ?? ''}
        disabled={props.disabled}
        onChange={(e) => props.onChange(e.currentTarget.value)}
      >
        <For each={groups()}>
          {([provider, list]) => (
            <optgroup label={providerName(provider)}>
              <For each={list}>
                {(m) => (
                  <option value={m.id} disabled={!inPlan(m.id) || !!unreadable(m)}>
                    {m.label}
                    {m.offline ? ' (offline demo)' : ''} ·{' '}
                    {!inPlan(m.id) ? lockReason(m) : (unreadable(m)?.replace(`${m.label} `, '') ?? priceWords(m))}
                  </option>
                )}
              </For>
            </optgroup>
          )}
        </For>
      </select>
    </label>
  );
}
