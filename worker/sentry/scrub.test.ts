import type { ErrorEvent } from '@sentry/cloudflare';
import { describe, expect, it } from 'vitest';
import { scrubBreadcrumb, scrubEvent } from './scrub.ts';

const jwt = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0In0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const apiKey = 'sk-parley-0123456789abcdef0123456789abcdef';
const vendorKey = 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz';
const stripeKey = 'sk_live_51abcdefghijklmnop';
const email = 'someone.private@example.com';
const content = 'my bank password is hunter2, please summarise';
const googleKey = 'AIzaSyA-not-a-real-key-0123456789';

function eventWithEverySecret(): ErrorEvent {
  return {
    type: undefined,
    event_id: 'abc',
    message: `failed for ${email}`,
    release: '0.1.0',
    tags: { request_id: 'req-1', route: '/api/dev/crash', subject_type: 'user' },
    user: { id: 'u1', email, ip_address: '203.0.113.9' },
    server_name: 'host',
    request: {
      method: 'POST',
      url: `https://parley.example/api/conversations/1/messages?api_key=${apiKey}&q=${encodeURIComponent(content)}`,
      query_string: `api_key=${apiKey}`,
      cookies: { session: jwt },
      data: JSON.stringify({ content }),
      headers: {
        Authorization: `Bearer ${jwt}`,
        Cookie: `sb-access-token=${jwt}`,
        'X-Api-Key': apiKey,
        'content-type': 'application/json',
        'user-agent': 'curl/8',
      },
    },
    exception: {
      values: [
        {
          type: 'Error',
          value: `Failed query: insert into "messages" ("content") values ($1) params: ${content},${email}`,
        },
        { type: 'TypeError', value: `cannot use key ${vendorKey} or ${stripeKey} for ${email}` },
      ],
    },
    breadcrumbs: [
      { category: 'console', message: `{"msg":"x","auth":"Bearer ${jwt}"}`, data: { arguments: [content] } },
      {
        category: 'fetch',
        data: {
          url: `https://generativelanguage.googleapis.com/v1beta/models/x:streamGenerateContent?key=${googleKey}`,
        },
      },
    ],
    extra: { authorization: `Bearer ${jwt}`, nested: { apiKey, note: `ask ${email}` } },
    contexts: { payload: { body: content, content } },
  };
}

describe('Sentry scrubbing', () => {
  it('removes every kind of secret from an event that holds them all', () => {
    const scrubbed = JSON.stringify(scrubEvent(eventWithEverySecret()));
    for (const secret of [
      jwt,
      jwt.split('.')[2]!,
      apiKey,
      vendorKey,
      stripeKey,
      email,
      content,
      'hunter2',
      googleKey,
      '203.0.113.9',
    ]) {
      expect(scrubbed).not.toContain(secret);
    }
  });

  it('keeps what finds the error again: tags, method, path, error types, safe headers', () => {
    const scrubbed = scrubEvent(eventWithEverySecret());
    expect(scrubbed.tags).toEqual({ request_id: 'req-1', route: '/api/dev/crash', subject_type: 'user' });
    expect(scrubbed.request).toEqual({
      method: 'POST',
      url: 'https://parley.example/api/conversations/1/messages',
      headers: { 'content-type': 'application/json', 'user-agent': 'curl/8' },
    });
    expect(scrubbed.exception?.values?.map((v) => v.type)).toEqual(['Error', 'TypeError']);
    expect(scrubbed.exception?.values?.[0]?.value).toBe('Error (message withheld: it may quote query data)');
    expect(scrubbed.exception?.values?.[1]?.value).toBe('cannot use key [api key] or [api key] for [email]');
    expect(scrubbed.user).toBeUndefined();
  });

  it('scrubs a breadcrumb as it is recorded: no query string, no console arguments, no token', () => {
    const crumb = scrubBreadcrumb({
      category: 'fetch',
      message: `POST https://api.example/v1?token=${jwt}`,
      data: { url: `https://api.example/v1?token=${jwt}`, method: 'POST', arguments: [content] },
    });
    expect(crumb).toEqual({
      category: 'fetch',
      message: 'POST https://api.example/v1',
      data: { url: 'https://api.example/v1', method: 'POST' },
    });
  });
});
