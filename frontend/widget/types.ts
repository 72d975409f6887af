// What the loader (widget.js) hands the lazily loaded panel and Markdown chunks. Types only: the
// loader is a classic script built on its own, so no code may be shared between it and the chunks.
// A browser may keep a widget.js for a week, and the Worker then gives it today's chunks: change
// these types only in ways a loader from the previous deploy still satisfies.

/** The site as `POST /api/widget/session` describes it. */
export type Site = {
  name: string;
  greeting: string | null;
  theme: { color: string; position: 'bottom-right' | 'bottom-left'; scheme: 'auto' | 'light' | 'dark' };
  model: { id: string; label: string };
};

/** What the session's `403 turnstile_required` names: the site's Turnstile site key and where its script is. */
export type TurnstileChallenge = { siteKey: string; script: string };

/** A refused or failed request, from the `{error: {code, message}}` envelope (`network` when nothing answered). */
export type WidgetError = Error & {
  status: number;
  code: string;
  retryAfterSeconds: number | undefined;
  /** With `turnstile_required`: the challenge to show before a session. */
  turnstile?: TurnstileChallenge | undefined;
};

/** Where an in-flight reply had got to: its message and the last event seen. */
export type ReplyMark = { messageId: string; lastEventId: string };

/** What the widget keeps in the host page's localStorage, one key per site. */
export type Saved = {
  /** The visitor credential Parley issued for this site (the visitor's identity, 30 days). */
  credential?: string;
  /** Kept by loaders from before credentials; a session no longer believes it, and the loader drops it. */
  visitorId?: string;
  conversationId?: string;
  open?: boolean;
  reply?: ReplyMark;
  /** The site as last described, so the launcher shows its colours at once on the next page. */
  site?: Site;
};

export type Store = {
  read(): Saved;
  update(change: Partial<Saved>): void;
};

export type Session = {
  /** The site once a session is open; rejects with a WidgetError when it was refused. */
  start(): Promise<Site>;
  /** A request to `/api/widget/<path>` with the visitor token; a 401 renews the session and retries once. Rejects with a WidgetError unless the response is 2xx. */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** Opens the session with a solved Turnstile challenge's token, after `start` was refused with turnstile_required (absent in loaders from before Turnstile). */
  verify?(turnstileToken: string): Promise<Site>;
};

export type Markdown = { renderMarkdown(text: string): string; css: string };

export type PanelContext = {
  /** The element inside the shadow root that holds the launcher and the panel. */
  root: HTMLElement;
  shadow: ShadowRoot;
  launcher: HTMLButtonElement;
  store: Store;
  session: Session;
  /** Undefined when its chunk could not load: replies then show as plain text. */
  markdown: Markdown | undefined;
  icon(path: string, className?: string): SVGSVGElement;
  /** Closes the panel as the launcher would (focus back on the launcher). */
  close(): void;
};

export type Panel = {
  /** Shows the panel; `focus` moves focus into the composer (not when reopened by navigation). */
  show(focus: boolean): void;
  hide(): void;
};

export type PanelModule = { mountPanel(context: PanelContext): Panel };
