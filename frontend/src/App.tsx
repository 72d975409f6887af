import { lazy, Show, type ParentProps } from 'solid-js';
import { Navigate, Route, Router, useLocation } from '@solidjs/router';
import type { Config } from './lib/api.ts';
import { session } from './lib/auth.ts';
import { Shell } from './components/Shell.tsx';
import { SignIn } from './pages/SignIn.tsx';
import { AuthCallback } from './pages/AuthCallback.tsx';
import { ChatPage } from './pages/ChatPage.tsx';

// Pages away from the chat load on demand, so the first screen carries only what it needs.
const UsagePage = lazy(() => import('./pages/UsagePage.tsx'));
const BillingPage = lazy(() => import('./pages/BillingPage.tsx'));
const KeysPage = lazy(() => import('./pages/KeysPage.tsx'));
const SitesPage = lazy(() => import('./pages/SitesPage.tsx'));
const SiteViewPage = lazy(() => import('./pages/SiteViewPage.tsx'));
const OpsPage = lazy(() => import('./pages/OpsPage.tsx'));
const AccountPage = lazy(() => import('./pages/AccountPage.tsx'));

export function App(props: { config: Config }) {
  const Protected = (inner: ParentProps) => (
    <RequireSession>
      <Shell config={props.config}>{inner.children}</Shell>
    </RequireSession>
  );
  return (
    <Router>
      <Route path="/signin" component={() => <SignIn config={props.config} />} />
      <Route path="/auth/callback" component={AuthCallback} />
      <Route path="/" component={Protected}>
        <Route path="/" component={ChatPage} />
        <Route path="/c/:id" component={ChatPage} />
        <Route path="/usage" component={UsagePage} />
        <Route path="/billing" component={() => <BillingPage config={props.config} />} />
        <Route path="/keys" component={KeysPage} />
        <Route path="/sites" component={SitesPage} />
        <Route path="/sites/:id" component={SiteViewPage} />
        <Route path="/ops" component={OpsPage} />
        <Route path="/account" component={AccountPage} />
      </Route>
      <Route path="*" component={() => <Navigate href="/" />} />
    </Router>
  );
}

/** Signed-out visitors go to the sign-in page, and come back where they were going. */
function RequireSession(props: ParentProps) {
  const location = useLocation();
  return (
    <Show
      when={session()}
      fallback={<Navigate href={`/signin?next=${encodeURIComponent(location.pathname + location.search)}`} />}
    >
      {props.children}
    </Show>
  );
}
