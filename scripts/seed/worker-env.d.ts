// The Worker modules the seed reuses (the registry's prices, the hourly usage roll-up) mention the
// Worker's global `Env` (generated in worker/worker-configuration.d.ts, alongside the whole
// workerd runtime, which would clash with Node's types) only in signatures the seed never calls.
// For Node's type check it is a bag of string settings.
interface Env extends Record<string, string> {}
