import { Hono } from 'hono';
import type { AppEnv } from './env.ts';
import { requestIds } from './middleware/request-id.ts';
import { requestLog } from './middleware/request-log.ts';
import { database } from './middleware/database.ts';
import { onError, onNotFound } from './middleware/errors.ts';
import { devOnly } from './middleware/dev-only.ts';
import { appCors, openCors, widgetCors } from './middleware/cors.ts';
import { health } from './routes/health.ts';
import { config } from './routes/config.ts';
import { me } from './routes/me.ts';
import { dev } from './routes/dev.ts';
import { models } from './routes/models.ts';
import { conversations } from './routes/conversations.ts';
import { files } from './routes/files.ts';
import { search } from './routes/search.ts';
import { usage } from './routes/usage.ts';
import { billing } from './routes/billing.ts';
import { keys } from './routes/keys.ts';
import { sites } from './routes/sites.ts';
import { widgetConversations, widgetSession } from './routes/widget.ts';
import { v1 } from './routes/v1.ts';
import { messages } from './routes/messages.ts';
import { responses } from './routes/responses.ts';
import { ops } from './routes/ops.ts';
import { apiDocs } from './routes/docs.ts';
import { widgetScript } from './routes/widget-script.ts';
import { appPages } from './routes/app-pages.ts';
import { shares } from './routes/shares.ts';
import { sharePages } from './routes/share-page.ts';
import { baseSecurityHeaders } from './middleware/security-headers.ts';
import { noStoreWhenAuthorized } from './middleware/no-store.ts';

const base = new Hono<AppEnv>()
  .use(requestIds)
  .use(requestLog)
  .use(baseSecurityHeaders)
  .use('/v1/*', openCors)
  .use('/api/widget/*', widgetCors)
  .use('/api/*', appCors)
  .use('/api/*', noStoreWhenAuthorized)
  .use('/v1/*', noStoreWhenAuthorized)
  .use(database)
  // Dev sign-in: a 404 outside AUTH_MODE=dev, and refused on any host but a loopback one.
  .use('/api/dev/*', devOnly);

const routes = base
  .route('/api/health', health)
  .route('/api/config', config)
  .route('/api/me', me)
  .route('/api/models', models)
  .route('/api/conversations', conversations)
  .route('/api/files', files)
  .route('/api/search', search)
  .route('/api/usage', usage)
  .route('/api/billing', billing)
  .route('/api/keys', keys)
  .route('/api/sites', sites)
  .route('/api/shares', shares)
  .route('/api/ops', ops)
  .route('/api/widget/session', widgetSession)
  .route('/api/widget/conversations', widgetConversations)
  .route('/v1/messages', messages)
  .route('/v1/responses', responses)
  .route('/v1', v1)
  // /api/openapi.json and /api/docs describe this app's routes, asked for at the first request
  // (the return type is written out: the app's type is still being inferred here).
  .route(
    '/api',
    apiDocs((): Hono<AppEnv> => app),
  )
  .route('/api/dev', dev)
  // widget.js and its chunks (wrangler.toml runs the Worker first for them).
  .route('/', widgetScript)
  // Share links' public pages: server HTML, no sign-in.
  .route('/s', sharePages)
  // Last: the app's pages, for every path no route above answered.
  .route('/', appPages);

routes.onError(onError);
routes.notFound(onNotFound);

export const app = routes;
export type AppType = typeof routes;
