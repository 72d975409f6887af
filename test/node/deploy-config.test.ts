// Issue 17: the production bindings come in at deploy time, so wrangler.toml keeps working for tests
// and `npm start` (`npm test` also dry-runs a deploy with this configuration: deploy:check).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deployConfig } from '../../scripts/deploy-config.ts';

const base = readFileSync('wrangler.toml', 'utf8');
const HYPERDRIVE_ID = '0123456789abcdef0123456789abcdef';

describe('the deploy configuration', () => {
  it("is wrangler.toml plus a HYPERDRIVE binding with the configuration's id", () => {
    const config = deployConfig(base, { HYPERDRIVE_ID });
    expect(config).toContain(base);
    expect(config.trimEnd().endsWith(`[[hyperdrive]]\nbinding = "HYPERDRIVE"\nid = "${HYPERDRIVE_ID}"`)).toBe(true);
  });

  it('has no binding without HYPERDRIVE_ID, so a deploy for Neon reaches it over HTTP', () => {
    expect(deployConfig(base, {})).not.toContain('[[hyperdrive]]');
  });

  it('puts custom domains before the first table, where TOML reads them as top-level keys', () => {
    const config = deployConfig(base, { DEPLOY_ROUTES: 'chat.example.com, Help.Example.org' });
    const routes = config.indexOf(
      'routes = [{ pattern = "chat.example.com", custom_domain = true }, { pattern = "help.example.org", custom_domain = true }]',
    );
    expect(routes).toBeGreaterThan(-1);
    expect(routes).toBeLessThan(config.search(/^\[/m));
  });

  it('gives the billing Worker the same database binding and never a route: it has no public URL', () => {
    const billing = readFileSync('billing/wrangler.toml', 'utf8');
    const config = deployConfig(billing, { HYPERDRIVE_ID });
    expect(config).toContain(billing);
    expect(config).toContain(`[[hyperdrive]]\nbinding = "HYPERDRIVE"\nid = "${HYPERDRIVE_ID}"`);
    expect(config).not.toMatch(/^routes/m);
    expect(billing).toMatch(/^workers_dev = false$/m);
  });

  it.each([
    [{ HYPERDRIVE_ID: 'not-an-id' }, /HYPERDRIVE_ID must be the 32 hex characters/],
    [{ HYPERDRIVE_ID: `${HYPERDRIVE_ID}"\n[vars]` }, /HYPERDRIVE_ID must be/],
    [{ DEPLOY_ROUTES: 'https://chat.example.com/*' }, /DEPLOY_ROUTES must be host names/],
  ])('refuses %j rather than deploy a Worker that cannot reach its database or host', (env, message) => {
    expect(() => deployConfig(base, env)).toThrow(message);
  });
});
