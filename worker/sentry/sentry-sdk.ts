// The parts of `@sentry/cloudflare` (11.0.0, pinned) that Parley runs, taken module by module.
// Its `withSentry` and `instrumentDurableObjectWithSentry` bring the SDK's tracing with them (a
// span per request, queue batch, cron and RPC call, the response body piped through a
// TransformStream to end its span, every binding in `env` wrapped): about 16 KiB of gzip that
// Parley, which traces nothing, would ship for nothing. What runs is still Sentry's: its
// Cloudflare client, its transport (one buffer per invocation), its stack parser for workerd's
// frames, its option defaults read from the Worker's bindings, its scope helpers, and its
// integrations. The package's exports map offers no subpaths and its build keeps the types apart
// (build/types), hence the paths and the typed re-exports. `@sentry/core` is the version
// @sentry/cloudflare pins (11.0.0); three of its functions are not re-exported by the package.
import type { Scope, StackParser } from '@sentry/core';
import type { CloudflareOptions } from '@sentry/cloudflare';
// @ts-expect-error: the build keeps the module's types apart (build/types/transport.d.ts)
import { makeCloudflareTransport as transport } from '../../node_modules/@sentry/cloudflare/build/esm/prod/transport.js';
// @ts-expect-error: the build keeps the module's types apart (build/types/vendor/stacktrace.d.ts)
import { defaultStackParser as stackParser } from '../../node_modules/@sentry/cloudflare/build/esm/prod/vendor/stacktrace.js';
// @ts-expect-error: the build keeps the module's types apart (build/types/options.d.ts)
import { getFinalOptions as finalOptions } from '../../node_modules/@sentry/cloudflare/build/esm/prod/options.js';
// @ts-expect-error: the build keeps the module's types apart (build/types/scope-utils.d.ts)
import * as scopeUtils from '../../node_modules/@sentry/cloudflare/build/esm/prod/scope-utils.js';

type CloudflareTransport = CloudflareOptions['transport'] & {};

export const makeCloudflareTransport: CloudflareTransport = transport;
/** Cloudflare's parser: node's V8 line format, with workerd's relative file names made absolute and in-app. */
export const defaultStackParser: StackParser = stackParser;
/** Fills release, environment, debug and tunnel from SENTRY_* bindings where the options leave them out. */
export const getFinalOptions: (options: CloudflareOptions, env: unknown) => CloudflareOptions = finalOptions;
export const addCloudResourceContext: (scope: Scope) => void = scopeUtils.addCloudResourceContext;
export const addCultureContext: (scope: Scope, cf: object) => void = scopeUtils.addCultureContext;
export const addRequest: (scope: Scope, request: Request) => void = scopeUtils.addRequest;

export { CloudflareClient, fetchIntegration, setAsyncLocalStorageAsyncContextStrategy } from '@sentry/cloudflare';
export {
  captureException,
  consoleIntegration,
  conversationIdIntegration,
  dedupeIntegration,
  eventFiltersIntegration,
  functionToStringIntegration,
  getCurrentScope,
  getDefaultIsolationScope,
  getIntegrationsToSetup,
  getIsolationScope,
  linkedErrorsIntegration,
  requestDataIntegration,
  withIsolationScope,
  withScope,
} from '@sentry/core';
