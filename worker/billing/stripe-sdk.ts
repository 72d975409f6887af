// The parts of the `stripe` package (23.1.0, pinned) that Parley runs, taken module by module.
// The package's one entry builds a client holding all ~150 API resources (about 33 KiB of gzip,
// which took the Worker over its 400 KB budget); its resources cannot be tree-shaken, and its
// exports map offers no subpaths, hence the paths into the package. What runs is still Stripe's:
// its fetch HTTP client, its form encoding, its webhook verification (SubtleCrypto) and its error
// classes. Types come from the package's public entry (type-only, so nothing is bundled).
import { StripeConnectionError, StripeError } from '../../node_modules/stripe/esm/Error.js';
import { createWebhooks } from '../../node_modules/stripe/esm/Webhooks.js';
import { ApiVersion } from '../../node_modules/stripe/esm/apiVersion.js';
import { WebPlatformFunctions } from '../../node_modules/stripe/esm/platform/WebPlatformFunctions.js';
import { queryStringifyRequestData } from '../../node_modules/stripe/esm/utils.js';

const platform = new WebPlatformFunctions();

export const stripeWebhooks = createWebhooks(platform);
export const createFetchHttpClient = (fetchFn?: typeof fetch) => platform.createFetchHttpClient(fetchFn);
export const createSubtleCryptoProvider = () => platform.createSubtleCryptoProvider();
export { ApiVersion, StripeConnectionError, StripeError, queryStringifyRequestData };
