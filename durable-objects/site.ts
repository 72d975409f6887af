// One per widget site, named by its public key: what every visitor request needs (is the site
// there, may this origin use it, with which model, prompt and rate) answered from memory, and the
// site's abuse limits on sessions per IP address and conversations per visitor, counted in its
// SQLite (exact: one object decides, one turn at a time; kept across restarts). Postgres
// is the record: the owner's routes write it first, then `configure` or `remove` this object; a
// removal is final (public keys are never reused), so no late configure can bring a site back.
// A site this object has never held (made before the object existed) is loaded from Postgres
// once, and kept.
import { DurableObject } from 'cloudflare:workers';
import { withDatabase } from '../worker/db/client.ts';
import { loadSiteByKey } from '../worker/db/sites.ts';
import { isDatabaseUnavailable } from '../worker/db/errors.ts';
import { originMatcher } from '../worker/sites/origins.ts';
import {
  SITE_NOT_FOUND,
  siteConfig,
  type SiteAdmission,
  type SiteCounted,
  type SiteConfig,
  type SiteRefusal,
} from '../worker/sites/site-config.ts';
import { SiteStore } from './site-store.ts';
import { countSiteRefusal } from '../worker/sites/site-refusals.ts';
import { countOne, counterKey, counterWindowMs, type SiteCounter } from '../worker/sites/site-limits.ts';

/** Idle counters (their window empty again) are dropped at most this often. */
const SWEEP_EVERY_MS = 5 * 60_000;
import { log, withLogContext } from '../worker/log.ts';

export class Site extends DurableObject<Env> {
  private readonly store: SiteStore;
  /** The allowed origins of the configuration held, compiled once per configuration. */
  private matcher: { for: SiteConfig; allows: (origin: string) => boolean } | undefined;
  private loading: Promise<SiteRefusal | undefined> | undefined;
  /** Postgres was asked and had no such site: not asked again by this instance. */
  private absent = false;
  private sweptAt = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new SiteStore(ctx.storage);
  }

  /** The site as Postgres has it now. Refused (404) once the site was removed; an older configuration than the one held is ignored. */
  async configure(config: SiteConfig): Promise<{ ok: true } | SiteRefusal> {
    const held = this.store.get();
    if (held?.kind === 'removed') return siteNotFound();
    if (held?.kind !== 'configured' || held.config.updatedAt <= config.updatedAt)
      this.store.put({ kind: 'configured', config });
    return { ok: true };
  }

  /** The site is gone: every visitor request is refused from the moment this returns. */
  async remove(): Promise<void> {
    this.store.put({ kind: 'removed' });
  }

  /** The site's configuration for a visitor on `origin` (a normalised Origin), or why not. */
  async admit(publicKey: string, origin: string, parleyOrigin?: string, requestId?: string): Promise<SiteAdmission> {
    return withLogContext({ requestId }, async () => {
      const held = await this.held(publicKey);
      if (!held.ok) return held;
      if (this.matcher?.for !== held.site)
        this.matcher = { for: held.site, allows: originMatcher(held.site.allowedOrigins) };
      if (origin !== parleyOrigin && !this.matcher.allows(origin)) {
        // Counted for the owner after the answer: the refusal never waits on the count.
        this.ctx.waitUntil(countSiteRefusal(this.env, held.site, 'origin_not_allowed'));
        return {
          ok: false,
          status: 403,
          code: 'origin_not_allowed',
          message: `This site's widget is not allowed on ${origin}: its owner can add the origin to the site's allowed origins in Parley`,
        };
      }
      return held;
    });
  }

  /**
   * Counts one session from an IP address, or one new conversation of a visitor, if the site's
   * limits allow it (429 with Retry-After otherwise). Asked after `admit`, so the site is held.
   */
  async count(publicKey: string, counter: SiteCounter, requestId?: string): Promise<SiteCounted> {
    return withLogContext({ requestId }, async () => {
      const held = await this.held(publicKey);
      if (!held.ok) return held;
      // From here on nothing is awaited: the check and the count are one turn.
      const now = Date.now();
      const key = counterKey(counter);
      const decision = countOne(held.site, counter, this.store.times(key), now);
      if (!decision.ok) {
        const { times: _, ...refusal } = decision;
        this.ctx.waitUntil(countSiteRefusal(this.env, held.site, refusal.code));
        return { ...refusal, status: 429 };
      }
      this.store.setTimes(key, decision.times, now);
      this.sweep(now);
      return { ok: true };
    });
  }

  /** Drops counters whose window is empty again, so a flood of addresses does not stay stored. */
  private sweep(now: number) {
    if (now - this.sweptAt < SWEEP_EVERY_MS) return;
    this.sweptAt = now;
    for (const prefix of ['ip:', 'visitor:']) this.store.dropIdle(prefix, now - counterWindowMs(prefix));
  }

  /** The site this object holds, loaded from Postgres once if it never held anything; 404 when none, 503 when Postgres is away. */
  private async held(publicKey: string): Promise<SiteAdmission> {
    if (!this.store.get() && !this.absent) {
      const failed = await (this.loading ??= this.load(publicKey).finally(() => (this.loading = undefined)));
      if (failed) return failed;
    }
    const held = this.store.get();
    return held?.kind === 'configured' ? { ok: true, site: held.config } : siteNotFound();
  }

  private async load(publicKey: string): Promise<SiteRefusal | undefined> {
    try {
      const row = await withDatabase(this.env, (db) => loadSiteByKey(db, publicKey));
      // A configure or remove that arrived meanwhile is newer than what was read.
      if (this.store.get()) return undefined;
      if (row) this.store.put({ kind: 'configured', config: siteConfig(row) });
      else this.absent = true;
      return undefined;
    } catch (error) {
      log.error('site: not loaded', {}, error);
      if (!isDatabaseUnavailable(error)) throw error;
      return {
        ok: false,
        status: 503,
        code: 'database_unavailable',
        message: 'This chat is not available right now: try again shortly',
      };
    }
  }
}

function siteNotFound(): SiteRefusal {
  return { ok: false, status: 404, code: 'site_not_found', message: SITE_NOT_FOUND };
}
