import { For } from 'solid-js';
import { inPlan, lockReason, models, priceWords, providerName } from '../lib/models.ts';
import type { Model } from '../lib/api.ts';

/**
 * Every configured model, by provider, with its price; a model answering through the offline fakes
 * says so. Models the user's plan leaves out are shown locked, with the plan that has them, and
 * cannot be chosen (the server would refuse a send with them).
 */
export function ModelPicker(props: { value: string | undefined; onChange: (id: string) => void; disabled?: boolean }) {
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
                  <option value={m.id} disabled={!inPlan(m.id)}>
                    {m.label}
                    {m.offline ? ' (offline demo)' : ''} · {inPlan(m.id) ? priceWords(m) : lockReason(m)}
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
