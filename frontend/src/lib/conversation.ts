// One open conversation: the messages of the branch in view, the reply in flight, and what went
// wrong in words. Sending, editing, regenerating and reopening a conversation with a reply still
// running all end up following the reply's events (follow-reply.ts), so a reload mid-reply shows
// it once, complete. Regenerating and editing add versions; the server keeps every one.
import { batch, createSignal } from 'solid-js';
import { createStore, produce, reconcile } from 'solid-js/store';
import { api, type Conversation, type EventStream, type Message } from './api.ts';
import type { Attachment } from './files.ts';
import { requestErrorWords } from './errors.ts';
import { followReply } from './follow-reply.ts';
import type { ReplyEvent } from './sse.ts';

export type Notice = { kind: 'error' | 'info'; message: string };

export function openConversation(id: string, onChanged: () => void) {
  const [state, setState] = createStore<{ conversation: Conversation | null; messages: Message[]; loaded: boolean }>({
    conversation: null,
    messages: [],
    loaded: false,
  });
  const [streaming, setStreaming] = createSignal(false);
  const [notice, setNotice] = createSignal<Notice | null>(null);
  // The reply's connection dropped and it is being resumed: shown until its events flow again.
  const [reconnecting, setReconnecting] = createSignal(false);
  const abort = new AbortController();

  async function load() {
    show(await api.conversation(id));
    if (state.messages.at(-1)?.status === 'streaming') void follow(null);
  }

  /** The conversation as the server read it: the branch in view. */
  function show(found: Conversation & { messages: Message[] }) {
    const { messages, ...conversation } = found;
    // Reconciled by id, so messages already on screen keep their elements (and their rendering);
    // a message shown before the server named it takes the server's id first, so it is kept too
    // (a new element would be laid out at its placeholder size for a frame: a layout shift).
    batch(() => {
      state.messages.forEach((m, i) => {
        const stored = messages[i];
        if (m.id.startsWith('pending-') && stored?.role === m.role && stored.content === m.content)
          setState('messages', i, 'id', stored.id);
      });
      setState('conversation', conversation);
      setState('messages', reconcile(messages, { key: 'id' }));
      setState('loaded', true);
    });
  }

  function apply(event: ReplyEvent) {
    setState(
      produce((s) => {
        if (event.event === 'message.start') {
          const existing = s.messages.find((m) => m.id === event.data.messageId);
          // Picked up from the start (a reload): the text is rebuilt from the events, never doubled.
          if (existing) existing.content = '';
          else s.messages.push(placeholder(event.data.messageId, event.data.model));
          return;
        }
        const reply = s.messages.at(-1);
        if (reply?.role !== 'assistant') return;
        if (event.event === 'delta') reply.content += event.data.text;
        else if (event.event === 'usage')
          Object.assign(reply, { inputTokens: event.data.inputTokens, outputTokens: event.data.outputTokens });
        else if (event.event === 'done')
          Object.assign(reply, {
            status: event.data.stopReason === 'stopped' || event.data.stopReason === 'quota' ? 'stopped' : 'complete',
            stopReason: event.data.stopReason,
            model: event.data.model,
          });
        else if (event.event === 'error') Object.assign(reply, { status: 'error', errorCode: event.data.code });
      }),
    );
  }

  async function follow(first: EventStream | null) {
    setStreaming(true);
    try {
      await followReply(id, first, apply, abort.signal, setReconnecting);
      // The stored reply has what the events do not carry (cost, timings): read it back.
      if (!abort.signal.aborted) await load();
    } catch (error) {
      setNotice({ kind: 'error', message: requestErrorWords(error) });
    } finally {
      setReconnecting(false);
      setStreaming(false);
      onChanged();
    }
  }

  /** `keep`: how many messages of the branch on screen the new reply follows (a regenerate or an edit shows fewer); all of them for a send. */
  async function start(request: () => Promise<EventStream>, optimistic?: Message, keep = state.messages.length) {
    setNotice(null);
    const before = state.messages.slice();
    setState('messages', (m) => [...m.slice(0, keep), ...(optimistic ? [optimistic] : [])]);
    setStreaming(true);
    let response: EventStream;
    try {
      response = await request();
    } catch (error) {
      // Refused: the branch shows again as it was.
      setState('messages', reconcile(before, { key: 'id' }));
      setStreaming(false);
      setNotice({ kind: 'error', message: requestErrorWords(error) });
      return false;
    }
    await follow(response);
    return true;
  }

  return {
    state,
    streaming,
    reconnecting,
    notice,
    load,
    dismissNotice: () => setNotice(null),
    /** The conversation as a change (its settings, a rename) left it. */
    updated: (changed: Partial<Conversation>) => setState('conversation', (c) => (c ? { ...c, ...changed } : c)),
    send: (content: string, model?: string, attachments: Attachment[] = []) =>
      start(() => api.sendMessage(id, content, model, attachments), userMessage(content, attachments)),
    /** Another version of the last reply; the one on screen stays one version away. */
    regenerate: (model?: string) => {
      const last = state.messages.at(-1);
      return start(
        () => api.regenerate(id, model),
        undefined,
        last?.role === 'assistant' ? state.messages.length - 1 : state.messages.length,
      );
    },
    /** Another version of the user's message `messageId` (its files kept), answered as a send is; the branch after it gives way to the new one. */
    edit: (messageId: string, content: string, model?: string) => {
      const at = state.messages.findIndex((m) => m.id === messageId);
      if (at < 0) return Promise.resolve(false);
      // The new version keeps the files of the one edited (only its text is edited).
      const files = [...(state.messages[at]?.attachments ?? [])];
      return start(() => api.editMessage(id, messageId, content, model, files), userMessage(content, files), at);
    },
    /** Shows the branch through another version of a message. */
    showVersion: async (messageId: string) => {
      if (streaming()) return;
      setNotice(null);
      try {
        show(await api.selectBranch(id, messageId));
      } catch (error) {
        setNotice({ kind: 'error', message: requestErrorWords(error) });
      }
    },
    stop: () => api.stop(id).catch((error: unknown) => setNotice({ kind: 'error', message: requestErrorWords(error) })),
    close: () => abort.abort(),
  };
}

function placeholder(id: string, model: string): Message {
  return {
    id,
    parentId: null,
    attachments: [],
    siblings: { index: 0, count: 1, ids: [id] },
    role: 'assistant',
    content: '',
    model,
    requestedModel: model,
    provider: null,
    status: 'streaming',
    stopReason: null,
    errorCode: null,
    inputTokens: 0,
    outputTokens: 0,
    cachedTokens: 0,
    costUsd: '0',
    timeToFirstTokenMs: null,
    durationMs: null,
    createdAt: new Date().toISOString(),
    completedAt: null,
  };
}

function userMessage(content: string, attachments: Attachment[] = []): Message {
  return {
    ...placeholder(`pending-${crypto.randomUUID()}`, ''),
    role: 'user',
    content,
    ...(attachments.length ? { attachments } : {}),
    model: null,
    requestedModel: null,
    status: 'complete',
  };
}
