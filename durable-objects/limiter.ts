import { DurableObject } from 'cloudflare:workers';

/** One per subject: token-bucket rate limits and quota reservation (filled in by the quota work). */
export class Limiter extends DurableObject<Env> {}
