import { createDb } from '../db/client.ts';
import { ingestUsageEvents, usageEventMessage, type UsageEventMessage } from './usage-ingest.ts';

/**
 * The `usage-events` consumer. Malformed messages are logged and acknowledged (retrying cannot fix
 * them); if the write fails the whole batch is retried, and after max_retries lands in the DLQ.
 */
export async function handleQueue(batch: MessageBatch<unknown>, env: Env) {
  const valid: UsageEventMessage[] = [];
  for (const message of batch.messages) {
    const parsed = usageEventMessage.safeParse(message.body);
    if (parsed.success) valid.push(parsed.data);
    else console.error(JSON.stringify({ level: 'error', msg: 'usage event rejected', messageId: message.id, error: parsed.error.message }));
  }
  await ingestUsageEvents(createDb(env), valid);
  batch.ackAll();
}
