import { describe, expect, it } from 'vitest';
import { availableModels, defaultModel, MODELS, replyCost } from './registry.ts';

const env = (keys: Partial<Record<string, string>>) => ({
  ANTHROPIC_API_KEY: '',
  ANTHROPIC_BASE_URL: '',
  OPENAI_API_KEY: '',
  OPENAI_BASE_URL: '',
  GEMINI_API_KEY: '',
  GEMINI_BASE_URL: '',
  OPENAI_COMPAT_BASE_URL: '',
  OPENAI_COMPAT_API_KEY: '',
  OPENAI_COMPAT_MODELS: '',
  ...keys,
});

describe('the model registry', () => {
  it('offers a provider only when its key is set', () => {
    expect(availableModels(env({}))).toEqual([]);
    expect(new Set(availableModels(env({ GEMINI_API_KEY: 'k' })).map((m) => m.provider))).toEqual(new Set(['google']));
    expect(defaultModel(env({ OPENAI_API_KEY: 'k' }))?.id).toBe('openai/gpt-4.1-mini');
  });

  it('lists OpenAI-compatible models from OPENAI_COMPAT_MODELS', () => {
    const models = availableModels(
      env({ OPENAI_COMPAT_BASE_URL: 'http://127.0.0.1:11434/v1', OPENAI_COMPAT_MODELS: 'llama3.2, qwen2.5 ,' }),
    );
    expect(models.map((m) => m.id)).toEqual(['openai-compat/llama3.2', 'openai-compat/qwen2.5']);
  });

  it('names only fallbacks that exist', () => {
    const ids = new Set(MODELS.map((m) => m.id));
    for (const m of MODELS) for (const fallback of m.fallbacks ?? []) expect(ids).toContain(fallback);
  });
});

describe('replyCost', () => {
  const model = { ...MODELS[0]!, price: { input: 0.15, output: 0.6 } };

  it('prices input and output per million tokens, exactly', () => {
    expect(replyCost(model, { inputTokens: 1_000_000, outputTokens: 1_000_000 })).toBe('0.75000000');
    expect(replyCost(model, { inputTokens: 1, outputTokens: 0 })).toBe('0.00000015');
    expect(replyCost(model, { inputTokens: 123_456, outputTokens: 7_890 })).toBe(
      (123_456 * 0.15e-6 + 7_890 * 0.6e-6).toFixed(8),
    );
  });

  it('is zero for no tokens', () => {
    expect(replyCost(model, { inputTokens: 0, outputTokens: 0 })).toBe('0.00000000');
  });
});
