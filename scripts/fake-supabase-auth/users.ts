// The people who can sign in, and their users as GoTrue keeps them. Each provider signs in one fixed
// test person, unless the authorize request carries `login_hint=<email>` (GoTrue passes unknown
// query parameters on to the provider, and Google honours login_hint): then that email signs in.
// As in GoTrue, one verified email is one user, whatever the provider: a second provider with the
// same email adds an identity to the same user (app_metadata.providers lists both).
import { createHash, randomUUID } from 'node:crypto';

export type Provider = 'google' | 'github';
export const PROVIDERS: readonly Provider[] = ['google', 'github'];

/** The person each provider signs in by default; ids are stable across restarts. */
export const FAKE_IDENTITIES = {
  google: {
    userId: '0b6f3c1e-6a8d-4c52-9e7a-1f2d3c4b5a61',
    email: 'google-user@example.com',
    name: 'Google User',
    providerId: '108234567890123456789',
  },
  github: {
    userId: '5d2e8f4a-3b1c-4e67-8a9d-2c3b4d5e6f72',
    email: 'github-user@example.com',
    name: 'GitHub User',
    providerId: '81234567',
  },
} as const satisfies Record<Provider, { userId: string; email: string; name: string; providerId: string }>;

const ISSUERS: Record<Provider, string> = { google: 'https://accounts.google.com', github: 'https://api.github.com' };

export type Identity = {
  identityId: string;
  provider: Provider;
  providerId: string;
  data: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  lastSignInAt: string;
};

export type User = {
  id: string;
  email: string;
  createdAt: string;
  updatedAt: string;
  lastSignInAt: string;
  appMetadata: { provider: Provider; providers: Provider[] };
  userMetadata: Record<string, unknown>;
  identities: Identity[];
};

export class Users {
  readonly #byEmail = new Map<string, User>();
  readonly #byId = new Map<string, User>();

  byId(id: string): User | undefined {
    return this.#byId.get(id);
  }

  /** What the provider's callback does in GoTrue: find or create the user, record this sign-in. */
  signIn(provider: Provider, loginHint?: string): User {
    const fixed = FAKE_IDENTITIES[provider];
    const email = (loginHint?.trim() || fixed.email).toLowerCase();
    const isFixed = email === fixed.email;
    const providerId = isFixed ? fixed.providerId : numericId(`${provider}:${email}`, provider === 'google' ? 21 : 8);
    const name = isFixed ? fixed.name : email.split('@')[0]!;
    const data = identityData(provider, providerId, email, name);
    const now = new Date().toISOString();

    let user = this.#byEmail.get(email);
    if (!user) {
      const id =
        Object.values(FAKE_IDENTITIES).find((identity) => identity.email === email)?.userId ?? nameBasedUuid(email);
      user = {
        id,
        email,
        createdAt: now,
        updatedAt: now,
        lastSignInAt: now,
        appMetadata: { provider, providers: [] },
        userMetadata: {},
        identities: [],
      };
      this.#byEmail.set(email, user);
      this.#byId.set(id, user);
    }
    let identity = user.identities.find((existing) => existing.provider === provider);
    if (!identity) {
      identity = {
        identityId: randomUUID(),
        provider,
        providerId,
        data,
        createdAt: now,
        updatedAt: now,
        lastSignInAt: now,
      };
      user.identities.push(identity);
    }
    Object.assign(identity, { data, updatedAt: now, lastSignInAt: now });
    user.userMetadata = { ...user.userMetadata, ...data };
    user.appMetadata.providers = [...new Set(user.identities.map((each) => each.provider))];
    user.updatedAt = now;
    user.lastSignInAt = now;
    return user;
  }
}

/** A user as GoTrue's JSON has it (models.User): the body of GET /user and the `user` of a session. */
export function userJson(user: User) {
  return {
    id: user.id,
    aud: 'authenticated',
    role: 'authenticated',
    email: user.email,
    email_confirmed_at: user.createdAt,
    phone: '',
    confirmed_at: user.createdAt,
    last_sign_in_at: user.lastSignInAt,
    app_metadata: user.appMetadata,
    user_metadata: user.userMetadata,
    identities: user.identities.map((identity) => ({
      identity_id: identity.identityId,
      id: identity.providerId,
      user_id: user.id,
      identity_data: identity.data,
      provider: identity.provider,
      last_sign_in_at: identity.lastSignInAt,
      created_at: identity.createdAt,
      updated_at: identity.updatedAt,
      email: user.email,
    })),
    created_at: user.createdAt,
    updated_at: user.updatedAt,
    is_anonymous: false,
  };
}

/** What GoTrue stores from each provider's profile (its identity_data, merged into user_metadata). */
function identityData(provider: Provider, providerId: string, email: string, name: string): Record<string, unknown> {
  const common = {
    iss: ISSUERS[provider],
    sub: providerId,
    provider_id: providerId,
    email,
    email_verified: true,
    phone_verified: false,
    name,
    full_name: name,
  };
  if (provider === 'google') {
    const picture = `https://lh3.googleusercontent.com/a/fake-${providerId}`;
    return { ...common, picture, avatar_url: picture };
  }
  const login = email.split('@')[0]!.replace(/[^a-z0-9-]/gi, '-');
  return {
    ...common,
    avatar_url: `https://avatars.githubusercontent.com/u/${providerId}?v=4`,
    user_name: login,
    preferred_username: login,
  };
}

/** A UUID derived from the email (version 5 layout), so a hinted person keeps their id across restarts. */
function nameBasedUuid(email: string): string {
  const digest = createHash('sha256').update(`fake-supabase-auth:${email}`).digest();
  digest[6] = (digest[6]! & 0x0f) | 0x50;
  digest[8] = (digest[8]! & 0x3f) | 0x80;
  const hex = digest.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The provider's own user id: digits, like Google's 21 and GitHub's 8. */
function numericId(seed: string, digits: number): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return (BigInt(`0x${hex}`) % 10n ** BigInt(digits)).toString().padStart(digits, '1');
}
