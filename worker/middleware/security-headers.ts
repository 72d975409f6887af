// Security headers. Everything the Worker answers gets nosniff and a referrer policy; the app's
// pages (index.html for every client route) also get a Content-Security-Policy the app satisfies
// (built JS and CSS from its own origin, styles set only through the CSSOM, the Sites page's
// widget preview in an <iframe srcdoc>, which inherits the policy) and may not be framed.
// The widget's script and routes keep no frame rule and stay loadable from any origin.
import type { Context } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { AppEnv } from '../env.ts';

/** Every response: a route's own value of a header (widget.js's CORP cross-origin) wins. */
export const baseSecurityHeaders = secureHeaders({
  referrerPolicy: 'strict-origin-when-cross-origin',
  xContentTypeOptions: true,
  // /v1 and /api/widget are read cross-origin (CORS decides who may read); a page's framing and
  // opener rules belong on pages.
  crossOriginResourcePolicy: false,
  crossOriginOpenerPolicy: false,
  xFrameOptions: false,
  overwrite: false,
});

/** The sign-in calls Supabase Auth from the browser. */
const supabaseOrigin = (c: Context<AppEnv>) => {
  try {
    return c.env.SUPABASE_URL ? new URL(c.env.SUPABASE_URL).origin : '';
  } catch {
    return '';
  }
};

/** The app's HTML. */
export const appPageHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    connectSrc: ["'self'", supabaseOrigin],
    // blob: the app's own object URLs: attachments read through the authorized route (never another origin's).
    imgSrc: ["'self'", 'data:', 'blob:'],
    frameSrc: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
  },
  referrerPolicy: 'strict-origin-when-cross-origin',
  xFrameOptions: 'DENY',
});
