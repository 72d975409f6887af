// The widget's memory in the host page's localStorage: one JSON value per site, under
// `parley-widget:<site key>`. Storage can be missing or refuse writes (private modes, sandboxed
// frames, a full quota); the widget then remembers for this page only.
import type { Saved, Store } from '../types.ts';

export function openStore(siteKey: string): Store {
  const key = `parley-widget:${siteKey}`;
  let memory: Saved = {};
  const storage = (() => {
    try {
      return window.localStorage;
    } catch {
      return undefined; // a sandboxed frame throws on the property itself
    }
  })();

  const read = (): Saved => {
    try {
      const value = storage?.getItem(key);
      if (value) memory = JSON.parse(value) as Saved;
    } catch {
      // unreadable or malformed: keep what this page knows
    }
    return memory;
  };

  return {
    read,
    update(change) {
      memory = { ...read(), ...change };
      for (const name of Object.keys(change) as (keyof Saved)[]) if (change[name] === undefined) delete memory[name];
      try {
        storage?.setItem(key, JSON.stringify(memory));
      } catch {
        // full or refused: this page still remembers
      }
    },
  };
}
