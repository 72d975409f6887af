// The account's custom instructions as this page knows them: read with the profile the first time
// a screen needs them (after sign-in), and updated when the Account page saves them, so the chat's
// "what applies" line stays true without asking again.
import { createRoot, createSignal } from 'solid-js';
import { api } from './api.ts';
import { requestErrorWords } from './errors.ts';

const [value, setValue] = createRoot(() => createSignal<string | null>());
const [loadError, setLoadError] = createRoot(() => createSignal<string>());
let loading: Promise<void> | undefined;

/** The saved custom instructions (null: none), or undefined until loaded. */
export const customInstructions = value;
/** Why they could not be read, in words. */
export const customInstructionsError = loadError;

/** Reads them once (again after a failure); screens that show them call it when they mount. */
export function loadCustomInstructions(): Promise<void> {
  if (value() !== undefined) return Promise.resolve();
  setLoadError(undefined);
  return (loading ??= api
    .me()
    .then((me) => void setValue(me.customInstructions ?? null))
    .catch((error: unknown) => void setLoadError(requestErrorWords(error)))
    .finally(() => (loading = undefined)));
}

/** Saves them (blank clears them) and returns what the server kept. */
export async function saveCustomInstructions(text: string | null): Promise<string | null> {
  const saved = (await api.setCustomInstructions(text?.trim() ? text : null)).customInstructions ?? null;
  setValue(saved);
  return saved;
}
