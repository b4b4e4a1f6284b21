// Markdown articles for the seeded posts, rendered by the app's own renderer (so `npm run bench` runs
// with `--import tsx`): the article page scenario reads what a real post of this kind stores.
import { RENDERER_VERSION, createMarkdownRenderer } from '../src/posts/markdown.ts';

export { RENDERER_VERSION };

const SECTIONS = [
  'Moving a blog between servers',
  'What the profiler said',
  'Keeping the feed fast',
  'Backups that restore',
  'A week with the new editor',
  'Notes from the migration',
];

/** `variants` different articles of about 900 words: headings, lists, a quote, code, links, a table. */
export function benchArticles(variants = 12) {
  const renderer = createMarkdownRenderer({ ownMediaPrefix: '/media/' });
  const markdown = Array.from({ length: variants }, (_, n) => {
    const heading = SECTIONS[n % SECTIONS.length];
    const paragraph = (k) =>
      `The ${heading.toLowerCase()} took ${k + 2} evenings. Most of it was **reading** what was there, ` +
      `some of it was _deleting_ what nobody used, and a little was writing \`code\` that says what it ` +
      `does. See [the notes](https://example.com/notes/${n}/${k}) for the details, and the [changelog](/changelog).`;
    return [
      `# ${heading}`,
      '',
      ...Array.from({ length: 4 }, (_, k) => [paragraph(k), '']).flat(),
      '## The steps',
      '',
      '1. Measure the slow page',
      '2. Read the plan of its query',
      '3. Change one thing, then measure again',
      '',
      '> Make it work, make it right, make it fast, in that order.',
      '',
      '```ts',
      'export async function feed(limit: number, cursor?: string) {',
      '  const rows = await db.select().from(posts).where(before(cursor)).limit(limit + 1);',
      '  return { posts: rows.slice(0, limit), next: rows.length > limit ? cursorOf(rows[limit]) : null };',
      '}',
      '```',
      '',
      '| Step | Before | After |',
      '| --- | ---: | ---: |',
      '| Home | 41 ms | 6 ms |',
      '| Article | 18 ms | 4 ms |',
      '',
      '## What is left',
      '',
      ...Array.from({ length: 10 }, (_, k) => [paragraph(k + 4), '']).flat(),
      '- [x] Move the pictures',
      '- [ ] Write the next post',
    ].join('\n');
  });
  return { markdown, html: markdown.map((text) => renderer.render(text).html) };
}
