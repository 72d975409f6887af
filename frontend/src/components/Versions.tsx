import type { Message } from '../lib/api.ts';

/** ‹ 2 of 3 › between the versions of a message (regenerated replies, edited messages); each press shows that version's branch. */
export function Versions(props: { message: Message; disabled: boolean; onShow: (messageId: string) => void }) {
  const siblings = () => props.message.siblings;
  const show = (offset: number) => {
    const id = siblings().ids[siblings().index + offset];
    if (id) props.onShow(id);
  };
  return (
    <fieldset class="versions" aria-label="Versions">
      <button
        type="button"
        class="icon"
        aria-label="Previous version"
        disabled={props.disabled || siblings().index === 0}
        onClick={() => show(-1)}
      >
        ‹
      </button>
      <span class="versions-count">
        {siblings().index + 1} of {siblings().count}
      </span>
      <button
        type="button"
        class="icon"
        aria-label="Next version"
        disabled={props.disabled || siblings().index >= siblings().count - 1}
        onClick={() => show(1)}
      >
        ›
      </button>
    </fieldset>
  );
}
