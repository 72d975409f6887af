// What a site is to the widget's hot path: the settings its Site Durable Object holds in memory
// and answers visitor requests from. Postgres keeps the record (worker/db/sites.ts).
import type { SiteRow } from '../db/sites.ts';

export const THEME_POSITIONS = ['bottom-right', 'bottom-left'] as const;
export const THEME_SCHEMES = ['auto', 'light', 'dark'] as const;
export type SiteTheme = {
  color: string;
  position: (typeof THEME_POSITIONS)[number];
  scheme: (typeof THEME_SCHEMES)[number];
};

export const DEFAULT_THEME: SiteTheme = { color: '#3547d8', position: 'bottom-right', scheme: 'auto' };
export const DEFAULT_VISITOR_REQUESTS_PER_MINUTE = 10;
/** What a visitor's browser hears for a key no site has (or had: a deleted site's key). */
export const SITE_NOT_FOUND =
  "No site has this key: check the data-site attribute of the widget's script tag against the key shown for the site in Parley";

export type { SiteRow };

export type SiteConfig = {
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
  visitorRequestsPerMinute: number;
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
    turnstile:
      row.turnstileSiteKey && row.turnstileSecret
        ? { siteKey: row.turnstileSiteKey, secret: row.turnstileSecret }
        : null,
    updatedAt: row.updatedAt.getTime(),
  };
}
