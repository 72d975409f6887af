export { FakeStripe } from './server.ts';
import { FakeStripe } from './server.ts';

/** The fake Stripe of this process, mounted by the fake upstream server under `/stripe`. */
export const fakeStripe = new FakeStripe();
