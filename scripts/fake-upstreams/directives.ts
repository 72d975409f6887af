// Per-request steering. Requests reach the fakes through Parley from a chat message, so the
// only channel a test or a person has is the message text: `[[fake tokens=5 fail=429]]`.

export interface Directives {
  ttft?: number;
  tps?: number;
  tokens?: number;
  fail?: number;
  failcount?: number;
  failafter?: number;
  drop?: number;
  hang?: number;
  hangafter?: number;
  retryafter?: number;
  /** 1: answer with the vendor's documented example reply (documented/): its stream, or its JSON body when not streamed. */
  documented?: number;
  /** 1: reply with the last user message itself (its `[[fake …]]` blocks removed), a word per token: lets a test choose what a model "says". */
  echo?: number;
  /** 1: keep the prompt's text (every message's, in order) in the request log as `prompt`: lets a test see which turns the model was sent. */
  prompt?: number;
  /** 1: count the prompt's tokens as real tokenizers count CJK text and emoji, a token a character (reply.ts estimateTokens). */
  cjk?: number;
  key?: string;
}

/** Process-wide pacing used where a request names none. */
export interface Defaults {
  ttft: number;
  tps: number;
  tokens: number;
}

const NUMERIC = new Set([
  'ttft',
  'tps',
  'tokens',
  'fail',
  'failcount',
  'failafter',
  'drop',
  'hang',
  'hangafter',
  'retryafter',
  'documented',
  'echo',
  'prompt',
  'cjk',
]);
const BLOCK = /\[\[fake\b([^\]]*)\]\]/gi;

/** Reads every `[[fake k=v …]]` block in `text`; later values win, unknown or malformed pairs are ignored. */
export function parseDirectives(text: string): Directives {
  const found: Record<string, number | string> = {};
  for (const block of text.matchAll(BLOCK)) {
    for (const pair of (block[1] ?? '').trim().split(/\s+/)) {
      const [name, value] = pair.split('=', 2).map((s) => s.trim());
      if (!name || value === undefined || value === '') continue;
      const key = name.toLowerCase();
      if (key === 'key') found.key = value;
      else if (NUMERIC.has(key) && Number.isFinite(Number(value)) && Number(value) >= 0) found[key] = Number(value);
    }
  }
  return found as Directives;
}

export function defaultsFromEnv(env: NodeJS.ProcessEnv): Defaults {
  const read = (name: string, fallback: number) => {
    const value = Number(env[name]);
    return env[name] !== undefined && env[name] !== '' && Number.isFinite(value) && value >= 0 ? value : fallback;
  };
  return {
    ttft: read('FAKE_UPSTREAM_TTFT', 0),
    tps: read('FAKE_UPSTREAM_TPS', 1000),
    tokens: Math.floor(read('FAKE_UPSTREAM_TOKENS', 40)),
  };
}

/** Applies a partial update (as posted to /__control/defaults), keeping only valid numbers. */
export function updateDefaults(current: Defaults, patch: unknown): Defaults {
  const next = { ...current };
  if (patch && typeof patch === 'object') {
    for (const name of ['ttft', 'tps', 'tokens'] as const) {
      const value = (patch as Record<string, unknown>)[name];
      if (typeof value === 'number' && Number.isFinite(value) && value >= 0)
        next[name] = name === 'tokens' ? Math.floor(value) : value;
    }
  }
  return next;
}
