import { createResource, Show, type ParentProps } from 'solid-js';
import { A, useLocation, useNavigate } from '@solidjs/router';
import { api, type Config } from '../lib/api.ts';
import { session, signOut } from '../lib/auth.ts';
import { Shortcuts } from './Shortcuts.tsx';

/** The frame of every signed-in page: a skip link, the top bar and its navigation, then the page. */
export function Shell(props: ParentProps<{ config: Config }>) {
  const navigate = useNavigate();
  const location = useLocation();
  const inChat = () => location.pathname === '/' || location.pathname.startsWith('/c/');
  // Only the operators' link depends on it; the page never waits for it, and it asks no database.
  const [operator] = createResource(() => api.isOperator().catch(() => false));
  return (
    <div class="app">
      {/* biome-ignore lint/a11y/useValidAnchor: an in-page link (#main works without script) that also finds the page's own <main> */}
      <a class="skip" href="#main" onClick={skipToContent}>
        Skip to content
      </a>
      <Shortcuts />
      <header class="topbar">
        <A href="/" class="brand" end>
          Parley
        </A>
        <nav aria-label="Main">
          <a
            href="/"
            classList={{ active: inChat() }}
            aria-current={inChat() ? 'page' : undefined}
            onClick={(e) => {
              e.preventDefault();
              navigate('/');
            }}
          >
            Chat
          </a>
          <A href="/usage" activeClass="active">
            Usage
          </A>
          <A href="/billing" activeClass="active">
            Billing
          </A>
          <A href="/keys" activeClass="active">
            API keys
          </A>
          <A href="/sites" activeClass="active">
            Sites
          </A>
          <A href="/account" activeClass="active">
            Account
          </A>
          <Show when={operator()}>
            <A href="/ops" activeClass="active">
              Operators
            </A>
          </Show>
        </nav>
        <div class="account">
          <Show when={session()?.email}>
            {(email) => (
              <span class="muted email" title={email()}>
                {email()}
              </span>
            )}
          </Show>
          <button
            type="button"
            class="ghost"
            onClick={async () => {
              await signOut();
              navigate('/signin');
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      <div id="main" class="page" tabindex="-1">
        {props.children}
      </div>
    </div>
  );
}

/** The skip link lands on the page's own <main> (in the chat: the conversation, not the sidebar). */
function skipToContent(event: MouseEvent) {
  const target = document.querySelector<HTMLElement>('#main main');
  if (!target) return;
  event.preventDefault();
  target.tabIndex = -1;
  target.focus();
}
