// What the owner's Limiter answers before a reply: admitted, with how much it may write, or refused
// with why. Shared by the Limiter (durable-objects/limiter.ts) and those who ask it (limiters.ts).

export type Refusal = {
  ok: false;
  status: 400 | 401 | 402 | 403 | 429;
  code:
    | 'context_length_exceeded'
    | 'invalid_api_key'
    | 'quota_exceeded'
    | 'quota_in_use'
    | 'rate_limited'
    | 'model_not_in_plan';
  message: string;
  retryAfterSeconds?: number;
};

/**
 * `keyId` is set when the request came with an API key; `instructions` when the reply asked for the
 * owner's custom instructions and they have some (`instructionTokens`: their estimate, counted in the reservation).
 */
export type Admission = {
  ok: true;
  outputTokens: number;
  boundedByQuota: boolean;
  keyId?: string;
  instructions?: string;
  instructionTokens?: number;
};
