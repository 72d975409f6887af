// What a site is to the widget's hot path: the settings its Site Durable Object holds in memory
// and answers visitor requests from. Postgres keeps the record (worker/db/sites.ts).
import type { SiteRow } from '../db/sites.ts';
import type { SiteLimitCode } from './site-limits.ts';

export const THEME_POSITIONS = ['bottom-right', 'bottom-left'] as const;
export const THEME_SCHEMES = ['auto', 'light', 'dark'] as const;
export type SiteTheme = {
  color: string;
  position: (typeof THEME_POSITIONS)[number];
  scheme: (typeof THEME_SCHEMES)[number];
};

export const DEFAULT_THEME: SiteTheme = { color: '#3547d8', position: 'bottom-right', scheme: 'auto' };
export const DEFAULT_VISITOR_REQUESTS_PER_MINUTE = 10;

/**
 * The limits a site's owner sets (issue 23), with the defaults a new site gets: enough for people,
 * too few for a script (one visitor token made 150 conversations in 9.7 s; 100 sessions all passed).
 */
export type SiteLimits = {
  /** Messages a minute each visitor may send (a bucket per visitor in the owner's Limiter). */
  visitorRequestsPerMinute: number;
  /** Widget sessions a minute from one IP address (CF-Connecting-IP), in any 60 s; counted by the Site object. */
  sessionsPerIpPerMinute: number;
  /** Conversations each visitor may start in any hour; counted by the Site object. */
  conversationsPerVisitorPerHour: number;
  /** Tokens (input and output, as usage counts them) the whole site may use a UTC day; counted by the owner's Limiter. */
  dailyTokenBudget: number;
};
export const DEFAULT_SITE_LIMITS: SiteLimits = {
  visitorRequestsPerMinute: DEFAULT_VISITOR_REQUESTS_PER_MINUTE,
  sessionsPerIpPerMinute: 10,
  conversationsPerVisitorPerHour: 20,
  dailyTokenBudget: 200_000,
};
/** What an owner may set each limit to (the database checks the same ranges). */
export const SITE_LIMIT_RANGES: Record<keyof SiteLimits, { min: number; max: number }> = {
  visitorRequestsPerMinute: { min: 1, max: 600 },
  sessionsPerIpPerMinute: { min: 1, max: 1000 },
  conversationsPerVisitorPerHour: { min: 1, max: 1000 },
  dailyTokenBudget: { min: 1000, max: 1_000_000_000 },
};
/** What a visitor's browser hears for a key no site has (or had: a deleted site's key). */
export const SITE_NOT_FOUND =
  "No site has this key: check the data-site attribute of the widget's script tag against the key shown for the site in Parley";

export type { SiteRow };

export type SiteConfig = SiteLimits & {
  id: string;
  publicKey: string;
  ownerId: string;
  name: string;
  /** Normalised (see origins.ts). */
  allowedOrigins: string[];
  /** null: the server's default model when a reply starts. */
  model: string | null;
  systemPrompt: string | null;
  greeting: string | null;
  theme: SiteTheme;
  /** Cloudflare Turnstile before a new visitor's session; null: off. The secret never leaves the Worker. */
  turnstile: SiteTurnstile | null;
  /** Milliseconds; strictly increases with every change (see db/sites.ts), so an older configure never replaces a newer one. */
  updatedAt: number;
};

export type SiteTurnstile = { siteKey: string; secret: string };

/** A Site object's refusal of a visitor's request. */
export type SiteRefusal = {
  ok: false;
  status: 403 | 404 | 503;
  code: 'origin_not_allowed' | 'site_not_found' | 'database_unavailable';
  message: string;
};
/** A Site object's answer to a visitor's request: the site's settings, or why not. */
export type SiteAdmission = { ok: true; site: SiteConfig } | SiteRefusal;
/** A Site object's answer when counting a session or a new conversation: counted, or refused by a limit (429) or as `admit` refuses. */
export type SiteCounted =
  | { ok: true }
  | SiteRefusal
  | { ok: false; status: 429; code: SiteLimitCode; message: string; retryAfterSeconds: number };

/** The stored theme with the defaults under it: every field is always there. */
export function themeOf(stored: Record<string, string> | null | undefined): SiteTheme {
  const theme = { ...DEFAULT_THEME, ...stored };
  return {
    color: /^#[0-9a-f]{6}$/.test(theme.color) ? theme.color : DEFAULT_THEME.color,
    position: (THEME_POSITIONS as readonly string[]).includes(theme.position) ? theme.position : DEFAULT_THEME.position,
    scheme: (THEME_SCHEMES as readonly string[]).includes(theme.scheme) ? theme.scheme : DEFAULT_THEME.scheme,
  };
}

export function siteConfig(row: SiteRow): SiteConfig {
  return {
    id: row.id,
    publicKey: row.publicKey,
    ownerId: row.userId,
    name: row.name,
    allowedOrigins: row.allowedOrigins,
    model: row.model,
    systemPrompt: row.systemPrompt,
    greeting: row.greeting,
    theme: themeOf(row.theme),
    visitorRequestsPerMinute: row.visitorRequestsPerMinute,
    sessionsPerIpPerMinute: row.sessionsPerIpPerMinute,
    conversationsPerVisitorPerHour: row.conversationsPerVisitorPerHour,
    dailyTokenBudget: row.dailyTokenBudget,
    turnstile:
      row.turnstileSiteKey && row.turnstileSecret
        ? { siteKey: row.turnstileSiteKey, secret: row.turnstileSecret }
        : null,
    updatedAt: row.updatedAt.getTime(),
  };
}
