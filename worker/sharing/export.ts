// Downloads: one conversation as Markdown (to read, or paste elsewhere) or JSON (the API's own
// shapes, to process), and the whole account as JSON. Each is an attachment with a filename.
import { MODELS } from '../providers/registry.ts';

type ConversationShape = {
  id: string;
  title: string | null;
  model: string | null;
  systemPrompt: string | null;
  createdAt: string;
};
type MessageShape = { role: string; content: string; model: string | null; status: string; createdAt: string };

export type Download = { body: string; contentType: string; filename: string };

const STATUS_WORDS: Record<string, string> = {
  stopped: 'stopped before the end',
  error: 'failed',
  streaming: 'still being written',
};

const modelLabel = (id: string | null) => (id ? (MODELS.find((m) => m.id === id)?.label ?? id) : 'Assistant');

/** `parley-<title as ascii words>-<day>.<ext>`: safe in every file system and header. */
export function exportFilename(title: string | null, at: Date, extension: string): string {
  const words = (title ?? '')
    .normalize('NFKD')
    .replace(/[^\w\s-]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '-')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `parley-${words || 'conversation'}-${at.toISOString().slice(0, 10)}.${extension}`;
}

/** Content-Disposition for a download named `filename` (ASCII by construction). */
export const attachment = (filename: string) => `attachment; filename="${filename}"`;

/** The conversation as a Markdown document: a heading, its settings, then each message under who wrote it. */
export function conversationMarkdown(conversation: ConversationShape, messages: MessageShape[], at: Date): string {
  const lines = [`# ${conversation.title?.trim() || 'Conversation'}`, ''];
  lines.push(`- Exported from Parley on ${at.toISOString()}`);
  lines.push(`- Started ${conversation.createdAt}`);
  if (conversation.model) lines.push(`- Model: ${modelLabel(conversation.model)} (\`${conversation.model}\`)`);
  if (conversation.systemPrompt) lines.push('', '## System prompt', '', conversation.systemPrompt);
  for (const m of messages) {
    const who = m.role === 'user' ? 'User' : modelLabel(m.model);
    const status = STATUS_WORDS[m.status];
    lines.push('', '---', '', `### ${who} · ${m.createdAt}${status ? ` (${status})` : ''}`, '', m.content);
  }
  return `${lines.join('\n')}\n`;
}

/** One conversation as a file in `format`. */
export function conversationDownload(
  format: 'md' | 'json',
  found: { conversation: ConversationShape; messages: MessageShape[] },
  at = new Date(),
): Download {
  const filename = exportFilename(found.conversation.title, at, format);
  if (format === 'md') {
    return {
      body: conversationMarkdown(found.conversation, found.messages, at),
      contentType: 'text/markdown; charset=utf-8',
      filename,
    };
  }
  const body = { exportedAt: at.toISOString(), conversation: found.conversation, messages: found.messages };
  return { body: `${JSON.stringify(body, null, 2)}\n`, contentType: 'application/json; charset=utf-8', filename };
}
