export { stripeClient, type BillingEnv } from './client.ts';
export { startCheckout, openPortal } from './checkout.ts';
export { handleWebhook } from './webhook.ts';
