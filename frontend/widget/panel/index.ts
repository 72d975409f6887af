// The chat panel, loaded as its own chunk on first open: builds the dialog in the widget's shadow
// root, opens the session (or says why there is none), then shows the conversation.
import css from './panel.css?inline';
import type { Panel, PanelContext, Site, WidgetError } from '../types.ts';
import { passChallenge } from './challenge.ts';
import { createChat } from './chat.ts';
import { schemedSheet } from './scheme.ts';
import { createView } from './view.ts';
import { isWidgetError, UNAVAILABLE, words } from './words.ts';

export function mountPanel(context: PanelContext): Panel {
  const { markdown, shadow } = context;
  const view = createView(context, markdown);
  const chat = createChat(context, view);
  const base = shadow.adoptedStyleSheets;
  const style = (scheme: 'auto' | 'light' | 'dark') => {
    shadow.adoptedStyleSheets = [
      ...base,
      schemedSheet(css, scheme),
      ...(markdown ? [schemedSheet(markdown.css, scheme)] : []),
    ];
  };
  style(context.store.read().site?.theme.scheme ?? 'auto');

  const opened = async (site: Site) => {
    view.site(site);
    style(site.theme.scheme);
    view.greeting(site.greeting);
    await chat.load();
  };

  const ready = context.session.start().then(opened, async (error: unknown) => {
    const { verify } = context.session;
    if (isWidgetError(error) && error.code === 'turnstile_required' && error.turnstile && verify) {
      try {
        return await opened(await passChallenge(view, error.turnstile, verify, context.session.start));
      } catch (failed) {
        error = failed;
      }
    }
    const refused = isWidgetError(error) && (error.status === 403 || error.status === 404);
    if (refused && (error as WidgetError).code !== 'turnstile_failed') view.unavailable(UNAVAILABLE);
    else view.say(words(error));
  });

  const submit = async () => {
    const content = view.input.value.trim();
    if (!content || view.input.getAttribute('aria-disabled') === 'true') return;
    await ready;
    view.input.value = '';
    if (!(await chat.send(content))) view.input.value ||= content;
  };

  view.form.addEventListener('submit', (event) => {
    event.preventDefault();
    void submit();
  });
  view.input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      void submit();
    }
  });
  view.stop.addEventListener('click', () => void chat.stop());
  view.close.addEventListener('click', () => context.close());
  view.dialog.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      context.close();
    }
  });

  return {
    show(focus) {
      view.dialog.hidden = false;
      context.root.classList.add('open');
      view.scrollToEnd();
      if (focus) (view.form.hidden ? view.close : view.input).focus();
    },
    hide() {
      view.dialog.hidden = true;
      context.root.classList.remove('open');
    },
  };
}
