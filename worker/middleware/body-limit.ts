import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../errors.ts';

/** Refuses a body over `maxBytes` before it is read whole: 413 payload_too_large, in the error envelope. */
export const limitBody = (maxBytes: number) =>
  bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new AppError(413, 'payload_too_large', `Request bodies are limited to ${maxBytes} bytes`);
    },
  });
