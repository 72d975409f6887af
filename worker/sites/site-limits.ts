// The abuse limits a Site object applies before a visitor gets a session or a new conversation
// (issue 23), pure: each is a sliding window over the times the thing happened, so "10 a minute"
// means at most 10 in any 60 seconds, and an owner who lowers a cap refuses the next request at once.
// The site's daily token budget and the widget's own reply slots are the owner's Limiter's
// (durable-objects/limiter.ts), where tokens are settled.
import type { SiteConfig } from './site-config.ts';

/** What a Site object counts: sessions from one IP address, conversations started by one visitor. */
export type SiteCounter = { kind: 'session'; ip: string } | { kind: 'conversation'; visitorId: string };

/**
 * Why a visitor was refused: a stable code per limit, the reason an owner's view counts it under.
 * `widget_busy` and `site_daily_budget_spent` come from the owner's Limiter (usage/admission.ts).
 */
export const SITE_LIMIT_CODES = [
  'site_session_rate_limited',
  'visitor_conversation_limit',
  'site_daily_budget_spent',
  'widget_busy',
] as const;
export type SiteLimitCode = (typeof SITE_LIMIT_CODES)[number];

/** A missing CF-Connecting-IP (local development, a test): every such request shares one address. */
export const UNKNOWN_IP = 'unknown';

const WINDOW_MS = { session: 60_000, conversation: 60 * 60_000 } as const;

/** The counter's key in the Site object's storage. */
export function counterKey(counter: SiteCounter): string {
  return counter.kind === 'session' ? `ip:${counter.ip}` : `visitor:${counter.visitorId}`;
}

/** How long a counter's times matter: after this with nothing new it is empty again and can be dropped. */
export function counterWindowMs(key: string): number {
  return key.startsWith('ip:') ? WINDOW_MS.session : WINDOW_MS.conversation;
}

export type CounterDecision =
  | { ok: true; times: number[] }
  | { ok: false; times: number[]; code: SiteLimitCode; message: string; retryAfterSeconds: number };

/**
 * One more of `counter` at `now`, if the site's cap allows it. `times` are the earlier ones (epoch
 * ms, oldest first); the answer carries the times to keep: only those still inside the window.
 */
export function countOne(
  site: SiteConfig,
  counter: SiteCounter,
  times: readonly number[],
  now: number,
): CounterDecision {
  const windowMs = WINDOW_MS[counter.kind];
  const cap = counter.kind === 'session' ? site.sessionsPerIpPerMinute : site.conversationsPerVisitorPerHour;
  const recent = times.filter((t) => t > now - windowMs && t <= now);
  if (recent.length < cap) return { ok: true, times: [...recent, now] };
  // The cap may have been lowered below what the window holds: wait until enough have left it.
  const freedAt = recent[recent.length - cap]! + windowMs;
  const retryAfterSeconds = Math.max(1, Math.ceil((freedAt - now) / 1000));
  return counter.kind === 'session'
    ? {
        ok: false,
        times: recent,
        code: 'site_session_rate_limited',
        message: `Too many chat sessions were started from your network just now: please try again in ${waitWords(retryAfterSeconds)}`,
        retryAfterSeconds,
      }
    : {
        ok: false,
        times: recent,
        code: 'visitor_conversation_limit',
        message: `You have started ${cap} conversations in the last hour, the most this chat allows: please continue one of them, or try again in ${waitWords(retryAfterSeconds)}`,
        retryAfterSeconds,
      };
}

/** "40 seconds", "1 minute", "12 minutes": a wait in words a visitor reads. */
export function waitWords(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? '1 second' : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return minutes === 1 ? '1 minute' : `${minutes} minutes`;
  const hours = Math.ceil(minutes / 60);
  return hours === 1 ? '1 hour' : `${hours} hours`;
}
