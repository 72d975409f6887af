// The account's custom instructions as this page knows them: read with the profile the first time
// a screen needs them (after sign-in), and updated when the Account page saves them, so the chat's
// "what applies" line stays true without asking again. Kept for the user who was signed in when
// they were read: another who signs in on the same page never sees them.
import { createRoot, createSignal } from 'solid-js';
import { api } from './api.ts';
import { signedInUser } from './auth.ts';
import { requestErrorWords } from './errors.ts';

const [known, setKnown] = createRoot(() => createSignal<{ user: string | undefined; value: string | null }>());
const [loadError, setLoadError] = createRoot(() => createSignal<string>());
let loading: { user: string | undefined; done: Promise<void> } | undefined;

/** The saved custom instructions (null: none), or undefined until loaded for the user signed in now. */
export const customInstructions = () => {
  const saved = known();
  return saved && saved.user === signedInUser() ? saved.value : undefined;
};
/** Why they could not be read, in words. */
export const customInstructionsError = loadError;

/** Reads them once (again after a failure, or for another user); screens that show them call it when they mount. */
export function loadCustomInstructions(): Promise<void> {
  if (customInstructions() !== undefined) return Promise.resolve();
  const user = signedInUser();
  if (loading && loading.user === user) return loading.done;
  setLoadError(undefined);
  const done = api
    .me()
    .then((me) => void setKnown({ user, value: me.customInstructions ?? null }))
    .catch((error: unknown) => void setLoadError(requestErrorWords(error)))
    .finally(() => {
      if (loading?.done === done) loading = undefined;
    });
  loading = { user, done };
  return done;
}

/** Saves them (blank clears them) and returns what the server kept. */
export async function saveCustomInstructions(text: string | null): Promise<string | null> {
  const user = signedInUser();
  const saved = (await api.setCustomInstructions(text?.trim() ? text : null)).customInstructions ?? null;
  setKnown({ user, value: saved });
  return saved;
}
