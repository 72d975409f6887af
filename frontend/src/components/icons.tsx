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

export const GearIcon = () => (
  // biome-ignore lint/a11y/noSvgWithoutTitle: aria-hidden comes in the spread; the button carrying the icon has the label
  <svg {...svg}>
    <circle cx="12" cy="12" r="3" />
    <path d="M19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1Z" />
  </svg>
);

export const ShareIcon = () => (
  // biome-ignore lint/a11y/noSvgWithoutTitle: aria-hidden comes in the spread; the button carrying the icon has the label
  <svg {...svg}>
    <circle cx="18" cy="5" r="3" />
    <circle cx="6" cy="12" r="3" />
    <circle cx="18" cy="19" r="3" />
    <path d="m8.6 13.5 6.8 4M15.4 6.5l-6.8 4" />
  </svg>
);

export const DownloadIcon = () => (
  // biome-ignore lint/a11y/noSvgWithoutTitle: aria-hidden comes in the spread; the button carrying the icon has the label
  <svg {...svg}>
    <path d="M12 3v12" />
    <path d="m7 10 5 5 5-5" />
    <path d="M5 21h14" />
  </svg>
);

export const PaperclipIcon = () => (
  // biome-ignore lint/a11y/noSvgWithoutTitle: aria-hidden comes in the spread; the button carrying the icon has the label
  <svg {...svg}>
    <path d="m21 12-8.5 8.5a5 5 0 0 1-7-7L14 5a3.5 3.5 0 0 1 5 5l-8.5 8.5a2 2 0 0 1-3-3L15 8" />
  </svg>
);

export const FileIcon = () => (
  // biome-ignore lint/a11y/noSvgWithoutTitle: aria-hidden comes in the spread; the text beside the icon names the file
  <svg {...svg}>
    <path d="M14 3H6v18h12V7Z" />
    <path d="M14 3v4h4" />
  </svg>
);
