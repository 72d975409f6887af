// One widget site as its owner sees it: what its visitors ask (their conversations, read-only and
// searchable, and the questions asked most), what they cost, what was refused, and their privacy
// (the site's retention, and one visitor's data deleted on request).
import { createResource } from 'solid-js';
import { A, useParams } from '@solidjs/router';
import { PageState } from '../components/PageState.tsx';
import { SiteInsightsView } from '../components/site-view/SiteInsights.tsx';
import { SiteRetention } from '../components/site-view/SiteRetention.tsx';
import { SiteVisitorConversations } from '../components/site-view/SiteVisitorConversations.tsx';
import { api } from '../lib/api.ts';
import './pages.css';
import '../components/site-view/site-view.css';

export default function SiteViewPage() {
  const params = useParams<{ id: string }>();
  const [site, { mutate, refetch }] = createResource(() => params.id, api.site);
  // Read again after a visitor's data is deleted: their questions and conversations are gone.
  const [insights, { refetch: refetchInsights }] = createResource(() => params.id, api.siteInsights);
  return (
    <main class="settings-page site-view-page">
      <p class="small">
        <A href="/sites">← All sites</A>
      </p>
      <PageState resource={site} what="This site" loading="Loading the site…" retry={refetch} card>
        {(current) => (
          <>
            <h1>Visitors of {current().name}</h1>
            <p class="muted">
              What visitors of {current().allowedOrigins.join(', ')} ask through your widget, what it costs and what was
              refused, over the last 30 days (UTC). Their conversations are yours to read, not to answer.
            </p>
            <SiteVisitorConversations siteId={current().id} onVisitorDeleted={() => void refetchInsights()} />
            <SiteInsightsView insights={insights} retry={() => void refetchInsights()} />
            <SiteRetention site={current()} onSaved={(saved) => mutate(saved)} />
          </>
        )}
      </PageState>
    </main>
  );
}
