// The routes of GoTrue that a browser app signing in with OAuth and PKCE uses, behind the gateway's
// `apikey` check (open, as on Supabase: /authorize and the JWKS), and the fake's own /__control.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, forbidden, AuthApiError } from './errors.ts';
import { answerPreflight, corsHeaders, readJson, requireApiKey, sendError, sendJson, stringField } from './http.ts';
import { type FlowStates, pkceParams } from './pkce.ts';
import { redirectTarget, withCode, withSessionFragment } from './redirects.ts';
import type { Sessions, LogoutScope, Session } from './sessions.ts';
import { signAccessToken, verifyAccessToken, type SigningKey } from './tokens.ts';
import { PROVIDERS, userJson, type Users, type Provider, type User } from './users.ts';

export type AuthSettings = {
  /** Access token lifetime (GoTrue's JWT_EXP). */
  accessTokenTtlSeconds: number;
  /** How long a rotated refresh token may still be used (GoTrue's REFRESH_TOKEN_REUSE_INTERVAL). */
  refreshTokenReuseIntervalSeconds: number;
};

export type AuthState = {
  issuer: string;
  apiKeys: string[];
  siteUrl: string;
  additionalRedirectUrls: string[];
  key: SigningKey;
  settings: AuthSettings;
  users: Users;
  flows: FlowStates;
  sessions: Sessions;
};

// Providers GoTrue knows but this fake does not offer: GoTrue says they are not enabled.
const OTHER_PROVIDERS = [
  'apple',
  'azure',
  'bitbucket',
  'discord',
  'facebook',
  'figma',
  'fly',
  'gitlab',
  'kakao',
  'keycloak',
  'linkedin',
  'linkedin_oidc',
  'notion',
  'slack',
  'slack_oidc',
  'snapchat',
  'spotify',
  'twitch',
  'twitter',
  'workos',
  'x',
  'zoom',
];

export function createHandler(state: AuthState) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    try {
      if (req.method === 'OPTIONS') return answerPreflight(req, res);
      if (url.pathname.startsWith('/__control/')) return await control(state, req, res, url);
      const route = `${req.method} ${url.pathname.replace(/\/+$/, '')}`;
      // Open routes: the gateway lets them through without a key.
      if (route === 'GET /auth/v1/.well-known/jwks.json') {
        return sendJson(req, res, 200, { keys: [state.key.publicJwk] }, { 'cache-control': 'public, max-age=600' });
      }
      if (route === 'GET /auth/v1/authorize') return await authorize(state, req, res, url);
      if (!url.pathname.startsWith('/auth/v1/'))
        return sendJson(req, res, 404, { message: 'no Route matched with those values' });
      requireApiKey(req, url, state.apiKeys);
      switch (route) {
        case 'GET /auth/v1/health':
          return sendJson(req, res, 200, {
            version: 'fake',
            name: 'GoTrue',
            description: 'GoTrue is a user registration and authentication API',
          });
        case 'GET /auth/v1/settings':
          return sendJson(req, res, 200, settings());
        case 'POST /auth/v1/token':
          return sendJson(req, res, 200, await token(state, req, url));
        case 'GET /auth/v1/user':
          return sendJson(req, res, 200, userJson((await authenticate(state, req)).user));
        case 'POST /auth/v1/logout':
          return await logout(state, req, res, url);
      }
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
    } catch (error) {
      sendError(req, res, error);
    }
  };
}

/** GET /authorize: the provider signs its person in at once, and the browser goes back to redirect_to. */
async function authorize(state: AuthState, req: IncomingMessage, res: ServerResponse, url: URL) {
  const query = url.searchParams;
  const name = (query.get('provider') ?? '').toLowerCase();
  if (!PROVIDERS.includes(name as Provider)) {
    const reason = OTHER_PROVIDERS.includes(name) ? 'provider is not enabled' : `Provider ${name} could not be found`;
    throw badRequest('validation_failed', `Unsupported provider: ${reason}`);
  }
  const provider = name as Provider;
  const pkce = pkceParams(query.get('code_challenge') ?? '', query.get('code_challenge_method') ?? '');
  const target = redirectTarget(state, query.get('redirect_to'), req.headers.referer);
  const user = state.users.signIn(provider, query.get('login_hint') ?? undefined);
  let location: string;
  if (pkce) {
    location = withCode(target, state.flows.issue(pkce, provider, user.id));
  } else {
    const { session, refreshToken } = state.sessions.start(user.id, 'oauth');
    const { token, expiresAt } = await accessToken(state, user, session);
    location = withSessionFragment(target, {
      access_token: token,
      token_type: 'bearer',
      expires_in: String(state.settings.accessTokenTtlSeconds),
      expires_at: String(expiresAt),
      refresh_token: refreshToken,
      provider_token: providerToken(provider, user),
    });
  }
  res.writeHead(302, { location }).end();
}

/** POST /token: the PKCE code exchange and the refresh token grant, answered with a session. */
async function token(state: AuthState, req: IncomingMessage, url: URL) {
  const grant = url.searchParams.get('grant_type') ?? '';
  if (grant === 'pkce') {
    const body = await readJson(req);
    const { userId, provider } = state.flows.redeem(stringField(body, 'auth_code'), stringField(body, 'code_verifier'));
    const user = state.users.byId(userId)!;
    const { session, refreshToken } = state.sessions.start(user.id, 'oauth');
    return {
      ...(await sessionJson(state, user, session, refreshToken)),
      provider_token: providerToken(provider, user),
    };
  }
  if (grant === 'refresh_token') {
    const body = await readJson(req);
    const { session, refreshToken } = state.sessions.refresh(stringField(body, 'refresh_token'));
    const user = state.users.byId(session.userId)!;
    return sessionJson(state, user, session, refreshToken);
  }
  if (grant === 'password') throw badRequest('invalid_credentials', 'Invalid login credentials');
  if (grant === 'id_token' || grant === 'web3')
    throw badRequest('validation_failed', `grant_type=${grant} is not offered by this fake Supabase Auth`);
  throw badRequest('invalid_credentials', 'unsupported_grant_type');
}

/** POST /logout[?scope=global|local|others]: ends sessions; their refresh tokens stop working at once. */
async function logout(state: AuthState, req: IncomingMessage, res: ServerResponse, url: URL) {
  const scope = url.searchParams.get('scope') || 'global';
  const { user, session } = await authenticate(state, req);
  if (!['global', 'local', 'others'].includes(scope))
    throw badRequest('validation_failed', `Unsupported logout scope "${scope}"`);
  state.sessions.logout(user.id, session?.id, scope as LogoutScope);
  res.writeHead(204, corsHeaders(req)).end();
}

/** GoTrue's requireAuthentication: a valid bearer token whose user and session still exist. */
async function authenticate(state: AuthState, req: IncomingMessage): Promise<{ user: User; session?: Session }> {
  const match = /^bearer (\S+)$/i.exec(req.headers.authorization ?? '');
  if (!match) throw new AuthApiError(401, 'no_authorization', 'This endpoint requires a valid Bearer token');
  const claims = await verifyAccessToken(state.key, match[1]!);
  const user = state.users.byId(claims.sub);
  if (!user) throw forbidden('user_not_found', 'User from sub claim in JWT does not exist');
  if (!claims.session_id) return { user };
  const session = state.sessions.get(claims.session_id);
  if (!session) throw forbidden('session_not_found', 'Session from session_id claim in JWT does not exist');
  return { user, session };
}

async function sessionJson(state: AuthState, user: User, session: Session, refreshToken: string) {
  const { token, expiresAt } = await accessToken(state, user, session);
  return {
    access_token: token,
    token_type: 'bearer',
    expires_in: state.settings.accessTokenTtlSeconds,
    expires_at: expiresAt,
    refresh_token: refreshToken,
    user: userJson(user),
  };
}

function accessToken(state: AuthState, user: User, session: Session) {
  return signAccessToken(state.key, {
    user,
    sessionId: session.id,
    issuer: state.issuer,
    lifetimeSeconds: state.settings.accessTokenTtlSeconds,
    amr: session.amr,
  });
}

/** GoTrue hands back the provider's own access token after an OAuth sign-in. */
function providerToken(provider: Provider, user: User) {
  return `fake-${provider}-access-token-${user.id.slice(0, 8)}`;
}

function settings() {
  const external = Object.fromEntries(
    [...OTHER_PROVIDERS, 'anonymous_users', 'email', 'phone'].map((name) => [name, false]),
  );
  for (const provider of PROVIDERS) external[provider] = true;
  return {
    external,
    disable_signup: false,
    mailer_autoconfirm: false,
    phone_autoconfirm: false,
    sms_provider: '',
    saml_enabled: false,
    passkeys_enabled: false,
  };
}

/** `/__control/settings`: tests shorten token lifetimes at run time (GET shows, POST changes). */
async function control(state: AuthState, req: IncomingMessage, res: ServerResponse, url: URL) {
  const route = `${req.method} ${url.pathname}`;
  if (route === 'GET /__control/health') return sendJson(req, res, 200, { ok: true });
  if (route === 'GET /__control/settings') return sendJson(req, res, 200, state.settings);
  if (route === 'POST /__control/settings') {
    const patch = await readJson(req);
    for (const [name, value] of Object.entries(patch)) {
      if (!(name in state.settings))
        return sendJson(req, res, 400, {
          error: `unknown setting ${name}; known: ${Object.keys(state.settings).join(', ')}`,
        });
      const least = name === 'accessTokenTtlSeconds' ? 1 : 0;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < least)
        return sendJson(req, res, 400, { error: `${name} must be a whole number of seconds, at least ${least}` });
    }
    Object.assign(state.settings, patch);
    return sendJson(req, res, 200, state.settings);
  }
  sendJson(req, res, 404, { error: `no control route ${route}` });
}
