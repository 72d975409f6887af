import { createEffect, createSignal, on, onCleanup } from 'solid-js';

type Render = (text: string) => string;

// Shared by every <Markdown>: the chunk is imported once, on first use.
const [renderer, setRenderer] = createSignal<Render>();
let loading: Promise<void> | undefined;

function loadRenderer() {
  if (loading) return;
  loading = import('../markdown/index.ts').then(
    (chunk) => void setRenderer(() => chunk.renderMarkdown),
    (error: unknown) => {
      // The reply stays readable as plain text; the next <Markdown> to mount tries again.
      loading = undefined;
      console.error('Could not load the Markdown renderer; showing plain text', error);
    },
  );
}

const visuallyHidden = {
  position: 'absolute',
  width: '1px',
  height: '1px',
  overflow: 'hidden',
  'clip-path': 'inset(50%)',
  'white-space': 'nowrap',
} as const;

/**
 * A chat reply rendered from Markdown (safe HTML, highlighted code with copy buttons). Shows the
 * text as plain text until the renderer's chunk arrives; while `text` streams, re-renders at
 * most once per animation frame.
 */
export function Markdown(props: { text: string }) {
  let body!: HTMLDivElement;
  let frame = 0;
  let shown: string | undefined;
  const [status, setStatus] = createSignal('');
  const resets = new Map<HTMLButtonElement, number>();
  loadRenderer();

  const paint = () => {
    frame = 0;
    const render = renderer();
    const html = render ? render(props.text) : undefined;
    if (html === undefined) {
      body.style.whiteSpace = 'pre-wrap';
      body.textContent = props.text;
    } else if (html !== shown) {
      body.style.whiteSpace = '';
      body.innerHTML = html;
    }
    shown = html;
  };

  // The first paint is synchronous (no flash of plain text for a finished reply), later ones batched.
  createEffect(
    on([() => props.text, renderer], (_, previous) => {
      if (previous === undefined) paint();
      else frame ||= requestAnimationFrame(paint);
    }),
  );

  const flash = (button: HTMLButtonElement, label: string, announcement: string) => {
    clearTimeout(resets.get(button));
    button.textContent = label;
    setStatus(announcement);
    resets.set(
      button,
      window.setTimeout(() => {
        resets.delete(button);
        button.textContent = 'Copy';
        setStatus('');
      }, 2000),
    );
  };

  const copy = async (event: MouseEvent) => {
    const button = event.target instanceof Element ? event.target.closest('button[data-copy]') : null;
    if (!(button instanceof HTMLButtonElement) || !body.contains(button)) return;
    const code = button.closest('.code-block')?.querySelector('pre code')?.textContent ?? '';
    try {
      await navigator.clipboard.writeText(code);
      flash(button, 'Copied', 'Code copied to the clipboard');
    } catch (error) {
      flash(
        button,
        'Copy failed',
        `Could not copy the code: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };

  onCleanup(() => {
    cancelAnimationFrame(frame);
    for (const timer of resets.values()) clearTimeout(timer);
  });

  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents lint/a11y/noStaticElementInteractions: delegation for the copy buttons inside, which are real <button>s reachable by keyboard
    <div class="markdown" onClick={copy}>
      <div ref={body} />
      <span role="status" style={visuallyHidden}>
        {status()}
      </span>
    </div>
  );
}
