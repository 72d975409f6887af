// The account's custom instructions as this page knows them: read once with the profile, and
// updated when the Account page saves them, so the chat's "where they apply" line stays true.
import { createResource, createRoot } from 'solid-js';
import { api } from './api.ts';

const [resource, { mutate }] = createRoot(() =>
  createResource(async () => (await api.me()).customInstructions ?? null),
);

/** The saved custom instructions (null: none), or undefined while loading or after a failure. */
export const customInstructions = () => (resource.state === 'ready' ? resource() : undefined);

/** Saves them (blank clears them) and returns what the server kept. */
export async function saveCustomInstructions(text: string | null): Promise<string | null> {
  const saved = (await api.setCustomInstructions(text?.trim() ? text : null)).customInstructions ?? null;
  mutate(saved);
  return saved;
}
