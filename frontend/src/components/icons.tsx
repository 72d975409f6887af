// The few icons the app uses, inline (no font or image to load), hidden from screen readers: the
// buttons carrying them have their own labels.
const svg = {
  width: 16,
  height: 16,
  viewBox: '0 0 24 24',
  fill: 'none',
  stroke: 'currentColor',
  'stroke-width': 2,
  'stroke-linecap': 'round',
  'stroke-linejoin': 'round',
  'aria-hidden': true,
} as const;

export const PencilIcon = () => (
  // biome-ignore lint/a11y/noSvgWithoutTitle: aria-hidden comes in the spread; the button carrying the icon has the label
  <svg {...svg}>
    <path d="M12 20h9" />
    <path d="M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4Z" />
  </svg>
);

export const TrashIcon = () => (
  // biome-ignore lint/a11y/noSvgWithoutTitle: aria-hidden comes in the spread; the button carrying the icon has the label
  <svg {...svg}>
    <path d="M3 6h18" />
    <path d="M8 6V4h8v2" />
    <path d="M19 6l-1 14H6L5 6" />
  </svg>
);

export const PinIcon = (props: { filled?: boolean }) => (
  // biome-ignore lint/a11y/noSvgWithoutTitle: aria-hidden comes in the spread; the button carrying the icon has the label
  <svg {...svg} fill={props.filled ? 'currentColor' : 'none'}>
    <path d="M9 4h6l-1 6 4 4H6l4-4Z" />
    <path d="M12 14v7" />
  </svg>
);
