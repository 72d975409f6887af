// What a vendor is sent for the files on a conversation's user messages (contract of issue 24):
// images as base64 image parts, PDFs as document parts, text files as text (their name, then their
// content fenced). The bytes are read from R2 when a reply is built, for every user turn of the
// history that has files; the history is trimmed afterwards like text (worker/chat/prompt.ts).
import type { MessageAttachment } from '../../drizzle/schema.ts';
import type { ModelInfo } from '../providers/registry.ts';
import type { ChatMessage, ImageMediaType, UserPart } from '../providers/types.ts';
import { fileKey } from './types.ts';

/** A stored message, as far as the prompt needs it. */
type StoredTurn = { role: 'user' | 'assistant'; content: string; attachments?: MessageAttachment[] | null };

/** What a model reads besides text (text files it always reads). */
export type ModelReads = { image: boolean; pdf: boolean };

/**
 * The kinds of file `model` reads: the registry's `reads` where it says (files-vendors adds it);
 * until then, every vendor model is taken to read images and PDFs.
 */
export function modelReads(model: ModelInfo): ModelReads {
  return (model as ModelInfo & { reads?: ModelReads }).reads ?? { image: true, pdf: true };
}

/** The first file `model` cannot read, as a refusal's words; undefined when it reads them all. */
export function unreadableFile(model: ModelInfo, files: readonly Pick<MessageAttachment, 'kind' | 'name'>[]) {
  const reads = modelReads(model);
  const file = files.find((f) => (f.kind === 'image' && !reads.image) || (f.kind === 'pdf' && !reads.pdf));
  if (!file) return undefined;
  const what = file.kind === 'image' ? 'images' : 'PDFs';
  return `${model.id} does not read ${what} (${file.name}): choose a model that does, or send the message without it`;
}

/**
 * The turns as `model` can read them: an earlier message's image or PDF of a kind it does not read
 * (the conversation moved to another model) is said in words instead, so the history still sends.
 */
export function readableTurns(model: ModelInfo, turns: ChatMessage[]): ChatMessage[] {
  const reads = modelReads(model);
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
