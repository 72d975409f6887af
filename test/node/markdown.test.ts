import { describe, expect, it } from 'vitest';
import { parseFragment } from 'parse5';
import type { DefaultTreeAdapterMap } from 'parse5';
import { renderMarkdown } from '../../frontend/src/markdown/render.ts';

// The renderer's output is parsed the way a browser parses innerHTML, then judged on the tree.

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

function elements(html: string): Element[] {
  const found: Element[] = [];
  const walk = (node: Node) => {
    if ('tagName' in node) {
      found.push(node);
      if (node.tagName === 'template') walk((node as DefaultTreeAdapterMap['template']).content);
    }
    if ('childNodes' in node) node.childNodes.forEach(walk);
  };
  walk(parseFragment(html));
  return found;
}

function textOf(node: Node): string {
  if (node.nodeName === '#text') return (node as DefaultTreeAdapterMap['textNode']).value;
  return 'childNodes' in node ? node.childNodes.map(textOf).join('') : '';
}

const attr = (element: Element, name: string) => element.attrs.find((a) => a.name === name)?.value;

const FORBIDDEN = new Set([
  'script',
  'iframe',
  'object',
  'embed',
  'img',
  'svg',
  'style',
  'math',
  'link',
  'meta',
  'base',
  'form',
  'frame',
  'frameset',
  'template',
  'video',
  'audio',
  'source',
  'picture',
]);
const ALLOWED_ATTRIBUTES = new Set([
  'class',
  'href',
  'title',
  'rel',
  'target',
  'type',
  'data-copy',
  'aria-label',
  'align',
  'start',
  'checked',
  'disabled',
  // The renderer's own: a code block's <pre> takes focus so it can be scrolled from the keyboard.
  'tabindex',
]);

/** What the brief asks of hostile input: no active element, no handler, no script URL. */
function expectInert(html: string) {
  for (const element of elements(html)) {
    expect(FORBIDDEN.has(element.tagName), `<${element.tagName}> in ${html}`).toBe(false);
    for (const { name, value } of element.attrs) {
      expect(name.startsWith('on'), `${name}= in ${html}`).toBe(false);
      expect(ALLOWED_ATTRIBUTES.has(name), `${name}= in ${html}`).toBe(true);
      if (name === 'href')
        expect(['http:', 'https:', 'mailto:'], `${value} in ${html}`).toContain(new URL(value).protocol);
      if (name === 'tabindex') expect(`<${element.tagName} tabindex=${value}>`).toBe('<pre tabindex=0>');
    }
    if (element.tagName === 'a') {
      expect(attr(element, 'rel')).toBe('noopener noreferrer nofollow');
      expect(attr(element, 'target')).toBe('_blank');
    }
  }
}

const XSS = [
  '<script>alert(1)</script>',
  'before <script>alert(1)</script> after',
  '<SCRIPT SRC=//evil.example/x.js></SCRIPT>',
  '<img src=x onerror=alert(1)>',
  'text <img src=x onerror=alert(1)> inline',
  '<svg onload=alert(1)>',
  '<svg><script>alert(1)</script></svg>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<iframe srcdoc="<script>alert(1)</script>">',
  '<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">',
  '<style>body{background:url(javascript:alert(1))}</style>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<a href="javascript:alert(1)">click</a>',
  '<div onmouseover="alert(1)">hover</div>',
  '<details open ontoggle=alert(1)>',
  '<!-- <img src=x onerror=alert(1)> -->',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  '[click](javascript:alert(1))',
  '[click](JaVaScRiPt:alert(1))',
  '[click](&#106;avascript:alert(1))',
  '[click](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1))',
  '[click](javascript&colon;alert(1))',
  '[click](java&#x09;script:alert(1))',
  '[click](java&#10;script:alert(1))',
  '[click](<java script:alert(1)>)',
  '[click](<java\tscript:alert(1)>)',
  '[click]( \u0001javascript:alert(1))',
  '[click](vbscript:msgbox(1))',
  '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '[click](data:text/html,<script>alert(1)</script>)',
  '[click][ref]\n\n[ref]: javascript:alert(1)',
  '[click][ref]\n\n[ref]: JaVaScRiPt:alert(1) "title"',
  '[click][ref]\n\n[ref]: &#106;avascript:alert(1)',
  '[click][ref]\n\n[ref]: data:text/html,<script>alert(1)</script>',
  '<javascript:alert(1)>',
  '<JAVASCRIPT:alert(1)>',
  '<data:text/html,<script>alert(1)</script>>',
  '[x](https://ok.example "a" onmouseover="alert(1)")',
  "[x](https://ok.example 'a\\' onmouseover=alert(1) x=')",
  '[x](https://ok.example/"onmouseover="alert(1))',
  '[x](https://ok.example/?q=<script>alert(1)</script>)',
  '```"><script>alert(1)</script>\ncode\n```',
  '```js" onmouseover="alert(1)\ncode\n```',
  "```' onclick='alert(1)\ncode\n```",
  '```html\n<script>alert(1)</script><img src=x onerror=alert(1)>\n```',
  '```unknownlang\n<script>alert(1)</script>\n```',
  '    <script>alert(1)</script>',
  '`<img src=x onerror=alert(1)>`',
  '![x" onerror="alert(1)](https://ok.example/a.png)',
  '![<img src=x onerror=alert(1)>](x)',
  '![alt](javascript:alert(1))',
  '![alt](data:image/svg+xml,<svg onload=alert(1)>)',
  '[![badge](https://ok.example/b.png)](javascript:alert(1))',
  '| a | b |\n|---|---|\n| <script>alert(1)</script> | <img src=x onerror=alert(1)> |',
  '> <iframe src=javascript:alert(1)>',
  '- <svg onload=alert(1)>\n- [x](javascript:alert(1))',
  '**<script>alert(1)</script>**',
  '\\<script>alert(1)\\</script>',
  '&lt;script&gt;alert(1)&lt;/script&gt;',
  '[a](https://ok.example)<img src=x onerror=alert(1)>',
  '<https://ok.example/"><script>alert(1)</script>>',
  'www.ok.example/<script>alert(1)</script>',
];

describe('renderMarkdown with hostile input', () => {
  it.each(XSS)('renders %j inert', (payload) => {
    expectInert(renderMarkdown(payload));
  });

  it('shows raw HTML as text instead of interpreting it', () => {
    const html = renderMarkdown('Look: <img src=x onerror=alert(1)>\n\n<script>alert(1)</script>');
    expect(textOf(parseFragment(html))).toContain('<img src=x onerror=alert(1)>');
    expect(textOf(parseFragment(html))).toContain('<script>alert(1)</script>');
  });

  it('turns a link with a script URL into its plain text', () => {
    const html = renderMarkdown('[click me](JaVaScRiPt:alert(1)) and <javascript:alert(2)>');
    expect(elements(html).map((e) => e.tagName)).toEqual(['p']);
    expect(textOf(parseFragment(html))).toBe('click me and javascript:alert(2)\n');
  });

  it('keeps an attribute breakout in a code fence info string inside the label text', () => {
    const html = renderMarkdown('```"><script>alert(1)</script>\nx\n```');
    const label = elements(html).find((e) => attr(e, 'class') === 'code-lang')!;
    expect(textOf(label)).toBe('"><script>alert(1)</script>');
  });

  it('renders an image as a link to it, so viewing a message fetches nothing', () => {
    const html = renderMarkdown('![a cat](https://ok.example/cat.png)');
    const link = elements(html).find((e) => e.tagName === 'a')!;
    expect(attr(link, 'href')).toBe('https://ok.example/cat.png');
    expect(textOf(link)).toBe('Image: a cat');
  });

  it('stays inert on every prefix of a hostile document, as it streams', () => {
    const doc = XSS.join('\n\n');
    for (let end = 0; end <= doc.length; end += 3) expectInert(renderMarkdown(doc.slice(0, end)));
  });

  it('stays inert and never throws on random Markdown-shaped noise', () => {
    const alphabet = [
      '<',
      '>',
      '[',
      ']',
      '(',
      ')',
      '!',
      '`',
      '```',
      '"',
      "'",
      '&',
      '#',
      ';',
      ':',
      '\n',
      ' ',
      '\t',
      '|',
      '-',
      '*',
      '_',
      '\\',
      'javascript:',
      'data:',
      'https://x.example',
      'script',
      'img',
      'svg',
      'onerror=',
      'alert(1)',
      '&#106;',
      'a',
      '1',
    ];
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 1500; i++) {
      const input = Array.from(
        { length: 1 + Math.floor(next() * 40) },
        () => alphabet[Math.floor(next() * alphabet.length)],
      ).join('');
      expectInert(renderMarkdown(input));
    }
  });
});

describe('renderMarkdown with ordinary replies', () => {
  it('renders a GFM table', () => {
    const html = renderMarkdown('| Model | Price |\n|:--|--:|\n| Claude | $3 |\n| GPT | $2 |');
    const cells = elements(html)
      .filter((e) => e.tagName === 'td' || e.tagName === 'th')
      .map(textOf);
    expect(cells).toEqual(['Model', 'Price', 'Claude', '$3', 'GPT', '$2']);
    expect(elements(html).some((e) => e.tagName === 'tbody')).toBe(true);
  });

  it('highlights a ts block and gives it an accessible copy button', () => {
    const html = renderMarkdown('```ts\nconst answer: number = 42;\n```');
    const all = elements(html);
    expect(attr(all[0]!, 'class')).toBe('code-block');
    const button = all.find((e) => e.tagName === 'button')!;
    expect(attr(button, 'type')).toBe('button');
    expect(attr(button, 'data-copy')).toBe('');
    expect(attr(button, 'aria-label')).toBe('Copy ts code');
    expect(textOf(button)).toBe('Copy');
    const code = all.find((e) => e.tagName === 'code')!;
    expect(attr(code, 'class')).toBe('hljs language-ts');
    expect(textOf(code)).toBe('const answer: number = 42;');
    const keyword = all.find((e) => attr(e, 'class') === 'hljs-keyword')!;
    expect(textOf(keyword)).toBe('const');
  });

  it('highlights common languages by their usual names', () => {
    for (const lang of [
      'js',
      'typescript',
      'python',
      'py',
      'bash',
      'shell',
      'sh',
      'json',
      'html',
      'xml',
      'css',
      'sql',
      'go',
      'rust',
      'java',
      'c',
      'cpp',
      'yaml',
      'diff',
      'markdown',
    ]) {
      const html = renderMarkdown(`\`\`\`${lang}\nx = "1" # y\n\`\`\``);
      expect(elements(html).find((e) => e.tagName === 'code')!.attrs[0]!.value, lang).toBe(`hljs language-${lang}`);
    }
  });

  it('leaves code in an unknown language plain and escaped', () => {
    const html = renderMarkdown('```brainfork\n<b>not bold</b>\n```');
    const code = elements(html).find((e) => e.tagName === 'code')!;
    expect(attr(code, 'class')).toBe('hljs');
    expect(code.childNodes.map((n) => n.nodeName)).toEqual(['#text']);
    expect(textOf(code)).toBe('<b>not bold</b>');
  });

  it('opens links in a new tab without referrer or opener', () => {
    const html = renderMarkdown('See [the docs](https://ok.example/docs?a=1&b=2 "Docs") or mail <me@ok.example>.');
    const [docs, mail] = elements(html).filter((e) => e.tagName === 'a');
    expect(attr(docs!, 'href')).toBe('https://ok.example/docs?a=1&b=2');
    expect(attr(docs!, 'title')).toBe('Docs');
    expect(attr(docs!, 'rel')).toBe('noopener noreferrer nofollow');
    expect(attr(docs!, 'target')).toBe('_blank');
    expect(attr(mail!, 'href')).toBe('mailto:me@ok.example');
  });

  it('renders lists, blockquotes, inline code and emphasis', () => {
    const html = renderMarkdown('1. *one*\n2. **two**\n\n- a\n- `b < c`\n\n> quoted ~~gone~~');
    const tags = elements(html).map((e) => e.tagName);
    for (const tag of ['ol', 'ul', 'li', 'em', 'strong', 'code', 'blockquote', 'del']) expect(tags).toContain(tag);
    expect(textOf(elements(html).find((e) => e.tagName === 'code')!)).toBe('b < c');
  });

  it('shows an unclosed fence as a code block of what has streamed so far', () => {
    const html = renderMarkdown('Here:\n\n```python\ndef f():\n    return 1');
    const code = elements(html).find((e) => e.tagName === 'code')!;
    expect(attr(code, 'class')).toBe('hljs language-python');
    expect(textOf(code)).toBe('def f():\n    return 1');
  });

  it('renders every prefix of a reply without throwing', () => {
    const reply =
      '# Title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```ts\nconst x = `t`;\n```\n\n> [link](https://ok.example) ![i](https://ok.example/i.png)\n\n- [ ] task\n- **bold *em***';
    for (let end = 0; end <= reply.length; end++) expect(() => renderMarkdown(reply.slice(0, end))).not.toThrow();
  });
});
