// Compiles docs pages (.md/.mdx) the way the site does (MDX 3, GFM, directives, remark-math and
// rehype-katex in strict mode) and reports syntax and KaTeX errors per file, in a second, without a
// site build. Front matter is checked to be present and is stripped first.
//
//   node docs/scripts/check-mdx.mjs docs/docs/<pkg>/theory/*.mdx
import { readFileSync } from 'node:fs';
import { compile } from '@mdx-js/mdx';
import rehypeKatex from 'rehype-katex';
import remarkDirective from 'remark-directive';
import remarkGfm from 'remark-gfm';
import remarkMath from 'remark-math';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node docs/scripts/check-mdx.mjs FILE...');
  process.exit(2);
}
let failed = 0;
for (const file of files) {
  const source = readFileSync(file, 'utf8');
  const match = /^---\n([\s\S]*?)\n---\n/.exec(source);
  try {
    if (!match) throw new Error('no front matter (--- title: ... ---) at the top');
    const body = `${'\n'.repeat(match[0].split('\n').length - 1)}${source.slice(match[0].length)}`;
    await compile(body, {
      format: file.endsWith('.md') ? 'md' : 'mdx',
      remarkPlugins: [remarkGfm, remarkDirective, remarkMath],
      rehypePlugins: [[rehypeKatex, { strict: 'error', throwOnError: true }]],
    });
    console.log(`✓ ${file}`);
  } catch (error) {
    failed++;
    console.log(`✗ ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
process.exit(failed > 0 ? 1 : 0);
