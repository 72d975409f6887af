const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID in any case, as user ids arrive from tokens and from Stripe's metadata. */
export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);
