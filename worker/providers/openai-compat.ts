// Any OpenAI-compatible server (vLLM, Ollama, llama.cpp, hosted gateways) at OPENAI_COMPAT_BASE_URL.
// It speaks OpenAI's protocol, so it is the OpenAI adapter with its own id and defaults.
import { createOpenAIAdapter } from './openai.ts';

export const openaiCompatAdapter = createOpenAIAdapter('openai-compat');
