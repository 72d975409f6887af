// The panel's DOM: a non-modal dialog with the site's name as its heading, the conversation, a
// notice line and the composer. Built with DOM calls (no markup strings except Markdown's, which
// is safe by construction), so nothing here needs 'unsafe-inline' or eval.
import type { Markdown, PanelContext, Site } from '../types.ts';

const CLOSE_ICON = 'M18 6 6 18M6 6l12 12';
const SEND_ICON = 'M12 19V5M5 12l7-7 7 7';

type Attributes = Record<string, string>;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

export type MessageView = {
  element: HTMLElement;
  /** The text so far (painted at most once per animation frame). */
  setText(text: string): void;
  /** No longer streaming; `note` says why it ended early, if it did. */
  finish(note?: string): void;
};

export type View = ReturnType<typeof createView>;

export function createView(context: PanelContext, markdown: Markdown | undefined) {
  const heading = el('h2', { id: 'parley-title' }, 'Chat');
  const subtitle = el('p', { class: 'subtitle' });
  const close = el(
    'button',
    { type: 'button', class: 'icon-button', 'aria-label': 'Close chat' },
    context.icon(CLOSE_ICON),
  );
  const messages = el('div', { class: 'messages', role: 'region', 'aria-label': 'Conversation', tabindex: '0' });
  const notice = el('p', { class: 'notice', role: 'alert' });
  // A reply's connection dropped and it is being resumed: said politely, cleared once text flows.
  const status = el('p', { class: 'status', role: 'status' });
  const input = el('textarea', {
    id: 'parley-input',
    rows: '1',
    maxlength: '4000',
    placeholder: 'Write a message…',
    enterkeyhint: 'send',
  });
  const send = el('button', { type: 'submit', class: 'send', 'aria-label': 'Send' }, context.icon(SEND_ICON));
  const stop = el('button', { type: 'button', class: 'stop', hidden: '' }, 'Stop');
  const form = el(
    'form',
    { class: 'composer' },
    el('label', { for: 'parley-input', class: 'visually-hidden' }, 'Message'),
    input,
    send,
    stop,
  );
  const dialog = el(
    'div',
    { class: 'panel', role: 'dialog', 'aria-labelledby': 'parley-title', id: 'parley-panel', hidden: '' },
    el('header', {}, el('div', { class: 'titles' }, heading, subtitle), close),
    messages,
    status,
    notice,
    form,
  );
  context.launcher.setAttribute('aria-controls', 'parley-panel');
  context.root.append(dialog);

  let assistantName = 'Assistant';
  let greeting: string | null = null;

  const scrollToEnd = () => {
    messages.scrollTop = messages.scrollHeight;
  };
  const nearEnd = () => messages.scrollHeight - messages.scrollTop - messages.clientHeight < 48;

  const addMessage = (role: 'user' | 'assistant', text: string, streaming = false): MessageView => {
    const body = el('div');
    const bubble = el('div', { class: role === 'user' ? 'bubble' : 'bubble markdown' }, body);
    const element = el(
      'article',
      { class: `message ${role}`, 'aria-label': role === 'user' ? 'You' : assistantName },
      bubble,
    );
    let current = text;
    let frame = 0;
    const paint = () => {
      frame = 0;
      const follow = nearEnd();
      if (role === 'assistant' && markdown) body.innerHTML = markdown.renderMarkdown(current);
      else body.textContent = current;
      bubble.classList.toggle('typing', streaming && !current);
      if (follow) scrollToEnd();
    };
    if (streaming) {
      // Announced politely once complete: aria-busy holds screen readers back while text streams in.
      bubble.setAttribute('aria-live', 'polite');
      bubble.setAttribute('aria-busy', 'true');
    }
    paint();
    messages.append(element);
    scrollToEnd();
    return {
      element,
      setText(next) {
        if (next === current) return;
        current = next;
        frame ||= requestAnimationFrame(paint);
      },
      finish(note) {
        streaming = false;
        cancelAnimationFrame(frame);
        paint();
        if (note) element.append(el('p', { class: 'note' }, note));
        bubble.setAttribute('aria-busy', 'false');
      },
    };
  };

  /** Copy buttons in rendered code blocks. */
  messages.addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest('button[data-copy]') : null;
    const code = button?.closest('.code-block')?.querySelector('pre code')?.textContent;
    if (!button || code == null) return;
    // No clipboard on pages served over plain http: say so rather than throw.
    Promise.resolve()
      .then(() => navigator.clipboard.writeText(code))
      .then(
        () => (button.textContent = 'Copied'),
        () => (button.textContent = 'Copy failed'),
      );
    setTimeout(() => (button.textContent = 'Copy'), 2000);
  });

  return {
    dialog,
    messages,
    input,
    form,
    close,
    send,
    stop,
    addMessage,
    scrollToEnd,
    site(site: Site) {
      heading.textContent = site.name;
      subtitle.textContent = `Answers by ${site.model.label} (AI)`;
      assistantName = site.name;
    },
    greeting(text: string | null) {
      greeting = text;
      this.clear();
    },
    /** Back to just the greeting. */
    clear() {
      messages.replaceChildren();
      if (greeting)
        messages.append(el('div', { class: 'message assistant greeting' }, el('div', { class: 'bubble' }, greeting)));
    },
    /** The site's Turnstile challenge in place of the conversation, the composer hidden until `done`. */
    challenge() {
      const box = el('div', { class: 'challenge-box' });
      messages.replaceChildren(
        el('div', { class: 'challenge' }, el('p', {}, "Please confirm you're a person to start chatting."), box),
      );
      if (context.shadow.activeElement === input) close.focus();
      form.hidden = true;
      return {
        box,
        done() {
          form.hidden = false;
        },
      };
    },
    /** The site refused this page (or is gone): say so in place of the conversation and composer. */
    unavailable(words: string) {
      messages.replaceChildren(el('p', { class: 'unavailable' }, words));
      if (context.shadow.activeElement === input) close.focus();
      form.hidden = true;
      notice.textContent = '';
    },
    say(words: string) {
      notice.textContent = words;
    },
    reconnecting(on: boolean) {
      status.textContent = on ? 'Connection lost: reconnecting…' : '';
    },
    streaming(on: boolean) {
      const focused = context.shadow.activeElement;
      send.hidden = on;
      stop.hidden = !on;
      input.setAttribute('aria-disabled', String(on));
      input.placeholder = on ? 'Wait for the reply, or press Stop…' : 'Write a message…';
      dialog.toggleAttribute('data-streaming', on);
      // Keep the keyboard where it was when the button it was on disappears.
      if (focused === send || focused === stop) input.focus();
    },
  };
}
