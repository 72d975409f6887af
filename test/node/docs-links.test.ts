// README.md and docs/*.md point only at things that exist (issue 19, item 6): every relative link
// and image at a file in this repository, every #fragment at a heading of its page, and every
// repository path written in backticks at a file or folder that is there.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const pages = [
  'README.md',
  ...readdirSync(join(root, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.md'))
    .map((name) => join('docs', name)),
];

/** Build output and local state the docs name, which a fresh clone does not have yet. */
const MADE_BY_RUNS = ['frontend/dist', 'test/e2e/screenshots', 'dist'];
const REPOSITORY_PATH = /^(?:worker|durable-objects|frontend|scripts|test|drizzle|docs|bench)\/[\w.@/-]*$/;

/** The page's prose: fenced code blocks dropped, so a URL in an example is not taken for a link. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

/** Link and image targets of a page: Markdown `[text](target)`, `![alt](target)` and HTML src/href. */
function linkTargets(markdown: string): string[] {
  const text = prose(markdown).replace(/`[^`\n]*`/g, '');
  const markdownLinks = [...text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
  const htmlLinks = [...text.matchAll(/<(?:a|img)\b[^>]*?\b(?:href|src)="([^"]+)"/g)].map((m) => m[1]!);
  return [...markdownLinks, ...htmlLinks];
}

/** Repository paths a page names in backticks (`worker/routes/v1.ts`), trailing punctuation left off. */
function namedPaths(markdown: string): string[] {
  return [...prose(markdown).matchAll(/`([^`\n]+)`/g)]
    .map((m) => m[1]!.replace(/[.,:;]+$/, ''))
    .filter((path) => REPOSITORY_PATH.test(path));
}

/** GitHub's anchors for a page's headings: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, heading] of prose(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = heading!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>]+>/g, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count ? `${base}-${count}` : base);
  }
  return anchors;
}

const read = (page: string) => readFileSync(join(root, page), 'utf8');
const external = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target);

describe('the documentation', () => {
  it('has a README and the docs it leads to', () => {
    expect(pages).toEqual(expect.arrayContaining(['README.md', join('docs', 'architecture.md')]));
  });

  for (const page of pages) {
    describe(page, () => {
      it('links only to files in this repository that exist, and to headings that exist', () => {
        const broken: string[] = [];
        for (const target of linkTargets(read(page))) {
          if (external(target)) continue;
          const [path = '', fragment] = target.split('#');
          const file = path ? resolve(root, dirname(page), decodeURI(path)) : join(root, page);
          const inside = relative(root, file);
          if (inside.startsWith('..')) broken.push(`${target}: outside the repository`);
          else if (!existsSync(file)) broken.push(`${target}: no such file`);
          else if (fragment && file.endsWith('.md') && !headingAnchors(readFileSync(file, 'utf8')).has(fragment))
            broken.push(`${target}: no heading #${fragment} in ${inside}`);
        }
        expect(broken).toEqual([]);
      });

      it('names no file outside the repository', () => {
        const outside = [...prose(read(page)).matchAll(/`(\.\.\/[^`\n]*)`/g)].map((m) => m[1]);
        expect(outside).toEqual([]);
      });

      it('names only repository paths that exist', () => {
        const missing = namedPaths(read(page)).filter(
          (path) =>
            !MADE_BY_RUNS.some((made) => path === made || path.startsWith(`${made}/`)) &&
            !existsSync(join(root, path.replace(/\/$/, ''))),
        );
        expect(missing).toEqual([]);
      });
    });
  }
});

describe('the checks themselves', () => {
  it('find links and images in prose, not in code', () => {
    const markdown = [
      'See [the API](docs/api.md#v1) and ![a picture](docs/chat.png).',
      '<img src="docs/chat-phone.png" alt="">',
      '`[not](a-link.md)`',
      '```md',
      '[also not](inside-a-fence.md)',
      '```',
    ].join('\n');
    expect(linkTargets(markdown)).toEqual(['docs/api.md#v1', 'docs/chat.png', 'docs/chat-phone.png']);
  });

  it("make GitHub's anchors of headings, repeated ones numbered", () => {
    const anchors = headingAnchors('# The `/v1` API: OpenAI-compatible\n## Errors\n## Errors\n');
    expect([...anchors]).toEqual(['the-v1-api-openai-compatible', 'errors', 'errors-1']);
  });

  it('take a path in backticks for a repository path only under a top-level folder', () => {
    expect(
      namedPaths('`worker/routes/v1.ts`, `npm test`, `scripts/`, `/api/keys` and `durable-objects/limiter.ts`.'),
    ).toEqual(['worker/routes/v1.ts', 'scripts/', 'durable-objects/limiter.ts']);
  });
});
