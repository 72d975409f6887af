// `npm run seed`: sample data on the stack `npm start` runs (which must be up), so every screen of
// the app has something to show for the demo user. Idempotent. PARLEY_URL (default
// http://127.0.0.1:8787) and DATABASE_HTTP_ENDPOINT (the gateway, default http://127.0.0.1:4444/sql)
// point it elsewhere.
import { DEFAULT_GATEWAY_URL, DEFAULT_PARLEY_URL, DEMO_EMAIL, seed } from './seed/run.ts';
import { SeedError } from './seed/worker-api.ts';

const parleyUrl = process.env.PARLEY_URL || DEFAULT_PARLEY_URL;
const gatewayUrl = process.env.DATABASE_HTTP_ENDPOINT || DEFAULT_GATEWAY_URL;

console.log(
  `seed: sample data for ${DEMO_EMAIL} on ${parleyUrl} (database gateway ${gatewayUrl}); needs \`npm start\` running`,
);
try {
  const result = await seed({ parleyUrl, gatewayUrl });
  console.log(
    [
      `seed: done for user ${result.userId}`,
      `  added ${result.conversationsAdded} conversations, ${result.messagesAdded} messages, ${result.usageEventsAdded} usage events; ${result.usageDailyRowsWritten} usage_daily rows written`,
      `  created ${result.keysCreated} API keys (secrets not shown: create your own on the API keys page to use one), ${result.sitesCreated} widget sites`,
      `  sign in at ${parleyUrl} with the email ${DEMO_EMAIL}${result.conversationsAdded + result.usageEventsAdded + result.keysCreated + result.sitesCreated === 0 ? ' (everything was already there)' : ''}`,
    ].join('\n'),
  );
} catch (error) {
  console.error(error instanceof SeedError ? `seed: ${error.message}` : error);
  process.exitCode = 1;
}
