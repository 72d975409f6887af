// What a vendor is sent for the files on a conversation's user messages (contract of issue 24):
// images as base64 image parts, PDFs as document parts, text files as text (their name, then their
// content fenced). The bytes are read from R2 when a reply is built, for every user turn of the
// history that has files; the history is trimmed afterwards like text (worker/chat/prompt.ts).
import type { MessageAttachment } from '../../drizzle/schema.ts';
import type { ModelInfo } from '../providers/registry.ts';
import type { ChatMessage, ImageMediaType, UserPart } from '../providers/types.ts';
import { MAX_IMAGE_BYTES } from '../chat/images.ts';
import { MAX_PDF_BASE64 } from '../chat/documents.ts';
import { fileKey } from './types.ts';

/** A stored message, as far as the prompt needs it. */
type StoredTurn = { role: 'user' | 'assistant'; content: string; attachments?: MessageAttachment[] | null };

/**
 * Why `model` cannot be sent one of `files`, in words; undefined when it can. The limits are the
 * ones the API routes apply to the same parts (worker/chat/images.ts, documents.ts): the smallest of
 * the three vendors', so a file the plan allowed but a vendor would refuse is refused at the send,
 * with the reason, instead of failing the reply at the vendor.
 */
export function unsendableFile(
  model: ModelInfo,
  files: readonly Pick<MessageAttachment, 'kind' | 'name' | 'mediaType' | 'size'>[],
): { status: 400 | 413; code: 'model_cannot_read_file' | 'file_too_large'; message: string } | undefined {
  const { reads } = model;
  const choose = 'choose a model that does, or send the message without it';
  for (const file of files) {
    if ((file.kind === 'image' && !reads.image) || (file.kind === 'pdf' && !reads.pdf)) {
      const what = file.kind === 'image' ? 'images' : 'PDFs';
      return {
        status: 400,
        code: 'model_cannot_read_file',
        message: `${model.id} does not read ${what} (${file.name}): ${choose}`,
      };
    }
    if (file.kind === 'image' && file.mediaType === 'image/gif' && !reads.gif)
      return {
        status: 400,
        code: 'model_cannot_read_file',
        message: `${model.id} does not read GIF images (${file.name}): ${choose}`,
      };
    const largest =
      file.kind === 'image' ? MAX_IMAGE_BYTES : file.kind === 'pdf' ? (MAX_PDF_BASE64 / 4) * 3 : undefined;
    if (largest !== undefined && file.size > largest)
      return {
        status: 413,
        code: 'file_too_large',
        message: `${file.name} is ${megabytes(file.size)}: the models read ${file.kind === 'image' ? 'images' : 'PDFs'} of at most ${megabytes(largest)}; send a smaller one`,
      };
  }
  return undefined;
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;

/**
 * The turns as `model` can read them: an earlier message's image or PDF of a kind it does not read
 * (the conversation moved to another model) is said in words instead, so the history still sends.
 */
export function readableTurns(model: ModelInfo, turns: ChatMessage[]): ChatMessage[] {
  const { reads } = model;
  if (reads.image && reads.pdf) return turns;
  return turns.map((turn) => {
    if (turn.role !== 'user' || !turn.parts) return turn;
    const parts = turn.parts.map((part): UserPart => {
      if (part.type === 'image' && !reads.image) return { type: 'text', text: '(an image this model does not read)' };
      if (part.type === 'document' && !reads.pdf)
        return { type: 'text', text: `${part.name} (a PDF this model does not read)` };
      return part;
    });
    return { ...turn, parts };
  });
}

/** The turns a prompt is built from (a branch's messages with text or files, first to last), files read from R2. */
export async function turnsWithFiles(
  env: Pick<Env, 'FILES'>,
  userId: string,
  branch: readonly StoredTurn[],
): Promise<ChatMessage[]> {
  return Promise.all(
    branch
      .filter((m) => m.content !== '' || (m.attachments?.length ?? 0) > 0)
      .map(async (m): Promise<ChatMessage> => {
        if (m.role === 'assistant' || !m.attachments?.length) return { role: m.role, content: m.content };
        const files = await Promise.all(m.attachments.map((file) => filePart(env, userId, file)));
        const parts: UserPart[] = [...files];
        if (m.content !== '') parts.push({ type: 'text', text: m.content });
        return { role: 'user', content: m.content, parts };
      }),
  );
}

/** One file as a part; a file no longer stored is said so in words, so the history still reads. */
async function filePart(env: Pick<Env, 'FILES'>, userId: string, file: MessageAttachment): Promise<UserPart> {
  const object = await env.FILES.get(fileKey(userId, file.id));
  if (!object) return { type: 'text', text: `${file.name}\n(this file is no longer stored)` };
  if (file.kind === 'text') return { type: 'text', text: `${file.name}\n\`\`\`\n${await object.text()}\n\`\`\`` };
  const data = toBase64(new Uint8Array(await object.arrayBuffer()));
  if (file.kind === 'image')
    return { type: 'image', source: { kind: 'base64', mediaType: file.mediaType as ImageMediaType, data } };
  return { type: 'document', mediaType: 'application/pdf', name: file.name, data };
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
