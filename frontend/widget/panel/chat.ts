// The visitor's conversation: loaded when the panel first opens, sent to, and its replies followed
// to their end. A reply is followed through dropped connections with Last-Event-ID, and picked up
// on the next page of the site through the resume route from its start: the text is rebuilt from
// the events, so it is shown once, whole, never doubled.
import { reconnectDelay } from '../../src/lib/reconnect.ts';
import { readEvents } from '../../src/lib/sse.ts';
import type { PanelContext } from '../types.ts';
import type { MessageView, View } from './view.ts';
import { isWidgetError, unfinishedWords, words } from './words.ts';

type StoredMessage = {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  status: string;
  stopReason: string | null;
  errorCode: string | null;
};

export function createChat(context: PanelContext, view: View) {
  const { session, store } = context;
  let conversationId = store.read().conversationId;
  let following: AbortController | undefined;
  let sending = false;

  const forget = () => {
    conversationId = undefined;
    store.update({ conversationId: undefined, reply: undefined });
  };

  /** Shows the stored conversation, and follows its reply if one is still being written (unless `join` is false). */
  const load = async (join = true): Promise<void> => {
    if (!conversationId) return;
    let stored: StoredMessage[];
    try {
      stored = (
        (await (await session.request(`conversations/${conversationId}`)).json()) as { messages: StoredMessage[] }
      ).messages;
    } catch (error) {
      if (isWidgetError(error) && error.status === 404) return forget();
      return view.say(words(error));
    }
    let live: { view: MessageView; text: string } | undefined;
    for (const message of stored) {
      const streaming = message.role === 'assistant' && message.status === 'streaming';
      const shown = view.addMessage(message.role, message.content, streaming);
      if (streaming) live = { view: shown, text: message.content };
      else if (message.role === 'assistant') shown.finish(unfinishedWords(message.errorCode, message.stopReason));
    }
    if (live && join) void follow(null, live.view, live.text);
    else if (live) live.view.finish();
    else store.update({ reply: undefined });
  };

  /**
   * Reads a reply's events into `bubble` until `done` or `error`. `first` is the send's response,
   * or null to join a reply already running from its start. `floor` is the text the conversation
   * showed for it: kept on screen until the rebuilt text reaches it, so nothing flickers back.
   */
  const follow = async (first: Response | null, bubble: MessageView, floor = ''): Promise<void> => {
    const control = new AbortController();
    following = control;
    view.streaming(true);
    let response = first;
    let text = '';
    let lastId: string | undefined;
    let last = { messageId: '', n: -1 };
    let ended: string | undefined | false = false; // false until the reply ends; then its note
    try {
      for (let attempt = 0; ended === false && !control.signal.aborted; attempt++) {
        try {
          response ??= await session.request(`conversations/${conversationId}/stream`, {
            headers: lastId ? { 'last-event-id': lastId } : {},
            signal: control.signal,
          });
          if (response.status === 204) {
            // It ended while we were away: the stored conversation has it whole.
            bubble.element.remove();
            return reload();
          }
          for await (const event of readEvents(response.body!)) {
            // Ids are `<message id>:<n>`; one seen before (a resume overlapping) is skipped.
            const [messageId = '', n = ''] = event.id?.split(/:(?=\d+$)/) ?? [];
            if (event.id) {
              if (messageId === last.messageId && Number(n) <= last.n) continue;
              last = { messageId, n: Number(n) };
              lastId = event.id;
            }
            attempt = 0;
            view.reconnecting(false);
            if (event.event === 'message.start') text = '';
            else if (event.event === 'delta') text += event.data.text;
            else if (event.event === 'done') ended = unfinishedWords(null, event.data.stopReason);
            else if (event.event === 'error') ended = unfinishedWords(event.data.code) ?? words(null);
            if (lastId) store.update({ reply: ended === false ? { messageId, lastEventId: lastId } : undefined });
            if (text.length >= floor.length) floor = '';
            bubble.setText(floor || text);
            if (ended !== false) break;
          }
        } catch (error) {
          if (control.signal.aborted) return;
          // Refused (the conversation is gone, the session ended): there is nothing to resume.
          if (isWidgetError(error) && error.status >= 400 && error.status < 500) {
            ended = words(error);
            break;
          }
        }
        response = null;
        if (ended === false) {
          // The stream broke before the reply ended: say so while asking for the rest.
          view.reconnecting(true);
          await reconnectDelay(attempt, control.signal);
        }
      }
      bubble.finish(ended || undefined);
      store.update({ reply: undefined });
    } finally {
      view.reconnecting(false);
      if (following === control) {
        following = undefined;
        view.streaming(false);
      }
    }
  };

  /** After the room said no reply is running: it is stored whole now (asked once, not in a loop). */
  const reload = async () => {
    view.clear();
    await load(false);
  };

  return {
    load: () => load(),

    /** Sends the visitor's message; false when it was refused (the composer keeps the text). */
    async send(content: string, retried = false): Promise<boolean> {
      if (sending || following) return false;
      sending = true;
      // Busy from the moment it is sent, not once the server answers: a second send meanwhile has
      // nowhere to go, and the composer says so instead of seeming to ignore it.
      view.streaming(true);
      view.say('');
      const mine = view.addMessage('user', content);
      const reply = view.addMessage('assistant', '', true);
      try {
        if (!conversationId) {
          const created = (await (await session.request('conversations', { method: 'POST' })).json()) as { id: string };
          conversationId = created.id;
          store.update({ conversationId });
        }
        const response = await session.request(`conversations/${conversationId}/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ content }),
        });
        sending = false;
        void follow(response, reply);
        return true;
      } catch (error) {
        mine.element.remove();
        reply.element.remove();
        sending = false;
        view.streaming(false);
        // The conversation was deleted (by the site's owner): start a new one, once.
        if (isWidgetError(error) && error.status === 404 && conversationId && !retried) {
          forget();
          return this.send(content, true);
        }
        view.say(words(error));
        return false;
      }
    },

    async stop() {
      if (!conversationId || !following) return;
      try {
        await session.request(`conversations/${conversationId}/stop`, { method: 'POST' });
      } catch (error) {
        view.say(words(error));
      }
    },
  };
}
