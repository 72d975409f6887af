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
    | 'model_not_in_plan'
    // A widget visitor's own refusals (issue 23): the widget's reply slots are taken, or the site's day is spent.
    | 'widget_busy'
    | 'site_daily_budget_spent';
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

/** What the Limiter applies to a widget visitor's reply: the visitor's bucket, the widget's reply slots, the site's day. */
export type VisitorLimits = {
  /** `<siteId>:<visitorId>`: the visitor's bucket. */
  id: string;
  siteId: string;
  /** The site's rate for each visitor. */
  requestsPerMinute: number;
  /** Tokens the whole site may use a UTC day (input and output, as settled). */
  dailyTokenBudget: number;
};
