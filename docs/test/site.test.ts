import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../scripts/serve.mjs';
import { buildDir, discoverPages, launchChromium, runExamples, type SitePage, watchedPage } from './harness';

const pages = discoverPages();
const bundles = existsSync(join(buildDir, 'bundles'))
  ? readdirSync(join(buildDir, 'bundles')).filter((d) =>
      existsSync(join(buildDir, 'bundles', d, 'examples.js')),
    )
  : [];

/** Lazily loaded heavy chunks, as named by the site's bundler config (docusaurus.config.ts). */
const HEAVY_CHUNK = /\/assets\/js\/(tfjs|tfjs-backend-[a-z]+|onnxruntime)\.[0-9a-f]+\.js$/;
/** A string only tfjs-core's code contains (one of its error messages). */
const TFJS_MARKER = 'Tensor is disposed.';
const JS_BUDGET_GZIP = 500 * 1024;

/**
 * A hostile host page for a package's standalone bundle: global rules that would hide or restyle
 * the examples if their styles were not scoped, and probes to detect styles leaking out.
 */
function hostilePage(pkg: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>plain host for ${pkg}</title><link rel="icon" href="data:,">
<style>
  * { font-size: 31px !important; color: rgb(255, 0, 0) !important; line-height: 3 !important; box-sizing: content-box; }
  div, section, header, footer, span { padding: 13px; border: 5px solid purple; }
  canvas, button, table, .card, .view, .title, .bar, .status { display: none !important; visibility: hidden !important; }
  p.probe, button.probe { display: block !important; visibility: visible !important; background: rgb(1, 2, 3); margin: 7px; }
</style></head>
<body>
<p class="probe">probe paragraph</p><button class="probe" type="button">probe button</button>
<main id="examples"></main>
<script type="module">
  const probe = () => [...document.querySelectorAll('.probe')].map((e) => {
    const s = getComputedStyle(e);
    return [s.color, s.fontSize, s.fontFamily, s.background, s.padding, s.border, s.margin, s.display, s.lineHeight].join('|');
  });
  window.__probeBefore = probe();
  window.__probe = probe;
  const { examples } = await import('/bundles/${pkg}/examples.js');
  const root = document.getElementById('examples');
  for (const example of Object.values(examples)) {
    const element = document.createElement('div');
    root.append(element);
    example.mount(element, { start: 'click' });
  }
  // Bad input fails loudly, with the shell's DlfError codes, before anything is rendered.
  const probeHost = document.createElement('div');
  window.__badInput = Object.values(examples).flatMap((example) =>
    [{ noSuchOption: 1 }, { start: 'sometimes' }].map((options) => {
      try {
        example.mount(probeHost, options).destroy();
        return 'accepted ' + JSON.stringify(options);
      } catch (e) {
        return e.code + ': ' + e.message;
      }
    }),
  );
  window.__mounted = Object.keys(examples).length;
</script>
</body></html>`;
}

/** A plain page with one long-running runtime example, for the shell's controls. */
const CONTROLS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>controls</title><link rel="icon" href="data:,"></head>
<body><div id="demo"></div>
<script type="module">
  import { twoMoons } from '/bundles/runtime/examples.js';
  window.__handle = twoMoons.mount(document.getElementById('demo'), { start: 'click', epochs: 200, drawEvery: 2 });
</script></body></html>`;

let server: { url: string; close: () => Promise<void> };
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  server = await startServer({
    routes: {
      ...Object.fromEntries(
        bundles.map((pkg) => [
          `/__plain/${pkg}/`,
          { type: 'text/html; charset=utf-8', body: hostilePage(pkg) },
        ]),
      ),
      '/__controls/': { type: 'text/html; charset=utf-8', body: CONTROLS_PAGE },
    },
  });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

describe('the built site', () => {
  it('has the landing page, the embed guide and every documented section with theory, guides and API pages', () => {
    const routes = pages.map((p) => p.route);
    expect(routes).toContain('/');
    expect(routes).toContain('/embed/');
    expect(routes).toContain('/runtime/');
    expect(routes.some((r) => r.startsWith('/runtime/theory/'))).toBe(true);
    expect(routes.some((r) => r.startsWith('/runtime/guides/'))).toBe(true);
    expect(routes.some((r) => r.startsWith('/runtime/api/'))).toBe(true);
    expect(pages.some((p) => p.examples.length > 0)).toBe(true);
    expect(bundles).toContain('runtime');
  });
});

/** Checks one page (pages without examples run concurrently, see vitest.config.ts). */
function pageTest(p: SitePage) {
  const parts = ['loads with no console error and no failed request'];
  if (p.hasMath) parts.push('renders its math with KaTeX');
  if (p.examples.length > 0) parts.push(`brings its ${p.examples.length} live example(s) to done`);
  it(`${p.route} ${parts.join(', ')}`, async ({ expect }) => {
    const { page, log, stop, quiet } = await watchedPage(context);
    try {
      await page.goto(server.url + p.route, { waitUntil: 'load' });
      await quiet();
      if (p.hasMath) {
        const math = await page.evaluate(async () => {
          await document.fonts.ready;
          const all = [...document.querySelectorAll('.katex')];
          const mathml = document.querySelector('.katex .katex-mathml');
          return {
            count: all.length,
            errors: document.querySelectorAll('.katex-error').length,
            rendered: all.filter((e) => e.querySelector('.katex-html') && e.getBoundingClientRect().width > 0)
              .length,
            // The stylesheet is applied: the MathML copy is clipped away and the font is KaTeX's.
            styled: !!mathml && getComputedStyle(mathml).position === 'absolute',
            font: getComputedStyle(all[0] as Element).fontFamily,
            fontLoaded: [...document.fonts].some(
              (f) => f.family.includes('KaTeX_Main') && f.status === 'loaded',
            ),
          };
        });
        expect(math.count).toBeGreaterThan(0);
        expect(math.errors).toBe(0);
        expect(math.rendered).toBe(math.count);
        expect(math.styled).toBe(true);
        expect(math.font).toContain('KaTeX_Main');
        expect(math.fontLoaded).toBe(true);
      }
      if (p.examples.length > 0) {
        const results = await runExamples(page, p.route);
        expect(results.map((r) => r.id)).toEqual(p.examples);
        for (const r of results) {
          expect(r.state, `${r.id} on ${p.route}: ${r.message}`).toBe('done');
          expect(r.backend).toMatch(/^(webgpu|webgl|wasm|cpu)$/);
        }
      }
      stop();
      expect(log.errors).toEqual([]);
      expect(log.failed).toEqual([]);
      // Everything (KaTeX's CSS and fonts, search, examples) is served by the site itself.
      expect(log.requests.filter((u) => !u.startsWith(`${server.url}/`) && !/^(data|blob):/.test(u))).toEqual(
        [],
      );
    } finally {
      stop();
      await page.close();
    }
  });
}

/**
 * API reference pages: TypeDoc's hundreds of pages share one template. Every one is rendered in the
 * browser by in-app navigation (the site's router loads the page's chunk and renders it, as when a
 * reader follows a link), checked for console errors and failed requests, and its title compared with
 * the built HTML's; one in eight also gets a full page load (hydration of the static HTML) below.
 */
const isApiPage = (p: SitePage) => p.route.includes('/api/') && !p.hasMath && p.examples.length === 0;
const apiPages = pages.filter(isApiPage);
const fullLoads = pages.filter((p, i) => p.examples.length === 0 && (!isApiPage(p) || i % 8 === 0));

const titleOf = (html: string) =>
  (/<title[^>]*>([^<]*)<\/title>/.exec(html)?.[1] ?? '')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'");

describe.concurrent('every page without live examples', () => {
  for (const p of fullLoads) pageTest(p);

  const sections = [...new Set(apiPages.map((p) => p.route.split('/')[1] as string))];
  for (const section of sections) {
    const routes = apiPages.filter((p) => p.route.split('/')[1] === section);
    it(`every ${routes.length} API page of /${section}/ renders by in-app navigation with no console error and no failed request`, async ({
      expect,
    }) => {
      const { page, log, stop, quiet } = await watchedPage(context);
      const problems: string[] = [];
      try {
        await page.goto(`${server.url}${routes[0]?.route}`, { waitUntil: 'load' });
        await quiet();
        for (const p of routes) {
          const errorsBefore = log.errors.length;
          const failedBefore = log.failed.length;
          const want = titleOf(p.html);
          await page.evaluate((route) => {
            window.history.pushState({}, '', route);
            window.dispatchEvent(new PopStateEvent('popstate', { state: {} }));
          }, p.route);
          try {
            await page.waitForFunction((t) => document.title === t, want, { timeout: 15_000, polling: 50 });
          } catch {
            problems.push(`${p.route}: title stayed "${await page.title()}", expected "${want}"`);
          }
          await quiet(50);
          for (const e of log.errors.slice(errorsBefore)) problems.push(`${p.route}: ${e}`);
          for (const f of log.failed.slice(failedBefore)) problems.push(`${p.route}: failed ${f}`);
        }
        stop();
        expect(problems).toEqual([]);
        expect(
          log.requests.filter((u) => !u.startsWith(`${server.url}/`) && !/^(data|blob):/.test(u)),
        ).toEqual([]);
      } finally {
        stop();
        await page.close();
      }
    });
  }
});

describe('every page with live examples', () => {
  for (const p of pages.filter((q) => q.examples.length > 0)) pageTest(p);
});

describe('the offline search', () => {
  it('finds theory and API pages from the local index, with no request outside the site', async () => {
    const { page, log, stop } = await watchedPage(context);
    try {
      await page.goto(`${server.url}/search/?q=Pearlmutter`, { waitUntil: 'load' });
      await page.waitForFunction(() => (document.body.textContent ?? '').includes('documents found'), null, {
        timeout: 30_000,
      });
      const links = await page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href') ?? ''));
      expect(links.some((h) => h.startsWith('/runtime/theory/second-order-autodiff/'))).toBe(true);
      expect(links.some((h) => h.startsWith('/runtime/api/'))).toBe(true);
      expect(log.requests.some((u) => u.includes('search-index'))).toBe(true);
      expect(log.requests.filter((u) => !u.startsWith(server.url))).toEqual([]);
      stop();
      expect(log.errors).toEqual([]);
      expect(log.failed).toEqual([]);
      // Everything (KaTeX's CSS and fonts, search, examples) is served by the site itself.
      expect(log.requests.filter((u) => !u.startsWith(`${server.url}/`) && !/^(data|blob):/.test(u))).toEqual(
        [],
      );
    } finally {
      stop();
      await page.close();
    }
  });
});

describe('the landing page budget', () => {
  it('loads under 500 kB of gzipped JS and neither tfjs nor onnxruntime until its example starts', async () => {
    // A fresh context: nothing cached by earlier pages, so every script the page needs is counted.
    const fresh = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, log, stop } = await watchedPage(fresh, { keepScripts: true });
    try {
      await page.goto(`${server.url}/`, { waitUntil: 'load' });
      await page.waitForLoadState('networkidle');
      await page.waitForTimeout(1000);
      const before = [...log.requests];
      const scriptsBefore = [...log.scripts];
      expect(before.filter((u) => HEAVY_CHUNK.test(u) || /\.wasm$|onnxruntime|ort-wasm/.test(u))).toEqual([]);
      expect(scriptsBefore.filter((s) => s.body.includes(TFJS_MARKER)).map((s) => s.url)).toEqual([]);
      const gzipped = scriptsBefore.reduce((sum, s) => sum + gzipSync(s.body).length, 0);
      console.log(
        `landing page before any example starts: ${scriptsBefore.length} scripts, ${(gzipped / 1024).toFixed(1)} kB gzipped`,
      );
      expect(gzipped).toBeLessThan(JS_BUDGET_GZIP);

      // Starting the example fetches tfjs: the checks above are not vacuous.
      const results = await runExamples(page, 'landing-after-start');
      expect(results.length).toBeGreaterThan(0);
      expect(results.every((r) => r.state === 'done')).toBe(true);
      expect(log.requests.some((u) => HEAVY_CHUNK.test(u))).toBe(true);
      expect(log.scripts.some((s) => s.body.includes(TFJS_MARKER))).toBe(true);
      stop();
      expect(log.errors).toEqual([]);
      expect(log.failed).toEqual([]);
      // Everything (KaTeX's CSS and fonts, search, examples) is served by the site itself.
      expect(log.requests.filter((u) => !u.startsWith(`${server.url}/`) && !/^(data|blob):/.test(u))).toEqual(
        [],
      );
    } finally {
      stop();
      await page.close();
      await fresh.close();
    }
  });
});

describe('standalone example bundles outside the site', () => {
  for (const pkg of bundles) {
    it(`bundles/${pkg}/index.html, the shipped plain page, loads cleanly and mounts every example`, async () => {
      const { page, log, stop } = await watchedPage(context);
      try {
        await page.goto(`${server.url}/bundles/${pkg}/index.html`, { waitUntil: 'load' });
        await page.waitForLoadState('networkidle');
        const states = await page.$$eval('[data-dlf-example]', (els) =>
          els.map((e) => e.getAttribute('data-dlf-state')),
        );
        expect(states.length).toBeGreaterThan(0);
        expect(states.every((s) => s === 'idle')).toBe(true);
        stop();
        expect(log.errors).toEqual([]);
        expect(log.failed).toEqual([]);
      } finally {
        stop();
        await page.close();
      }
    });

    it(`${pkg}'s examples run from the ESM bundle on a hostile plain page, to done, without leaking styles`, async () => {
      const { page, log, stop } = await watchedPage(context);
      try {
        await page.goto(`${server.url}/__plain/${pkg}/`, { waitUntil: 'load' });
        await page.waitForFunction(() => (window as { __mounted?: number }).__mounted !== undefined);
        await page.waitForLoadState('networkidle');
        const badInput = await page.evaluate(
          () => (window as unknown as { __badInput: string[] }).__badInput,
        );
        expect(badInput.length).toBeGreaterThan(0);
        for (const line of badInput)
          expect(line).toMatch(/^INVALID_ARGUMENT: .*(noSuchOption|start must be)/);
        // Nothing heavy before a start, and the host's rules do not hide or restyle the examples.
        expect(log.requests.filter((u) => /\.wasm$/.test(u))).toEqual([]);
        const shells = await page.$$eval('[data-dlf-example]', (els) =>
          els.map((e) => {
            const shadow = e.querySelector('dlf-example-shell')?.shadowRoot;
            const card = shadow?.querySelector('.card');
            const start = shadow?.querySelector('button.start');
            const title = shadow?.querySelector('.title');
            return {
              cardHeight: card?.getBoundingClientRect().height ?? 0,
              startVisible:
                !!start &&
                getComputedStyle(start).display !== 'none' &&
                start.getBoundingClientRect().width > 0,
              titleSize: title ? getComputedStyle(title).fontSize : '',
              titleColor: title ? getComputedStyle(title).color : '',
            };
          }),
        );
        expect(shells.length).toBeGreaterThan(0);
        for (const s of shells) {
          expect(s.cardHeight).toBeGreaterThan(40);
          expect(s.startVisible).toBe(true);
          expect(s.titleSize).toBe('14px');
          expect(s.titleColor).not.toBe('rgb(255, 0, 0)');
        }
        const results = await runExamples(page, `plain-${pkg}`);
        for (const r of results) expect(r.state, `${r.id} on the plain page: ${r.message}`).toBe('done');
        // Their drawings (canvas or SVG) are visible despite `canvas { display: none !important }` on the host.
        const canvases = await page.$$eval('[data-dlf-example]', (els) =>
          els.flatMap((e) =>
            [
              ...(e.querySelector('dlf-example-shell')?.shadowRoot?.querySelectorAll('canvas, svg') ?? []),
            ].map((c) => c.getBoundingClientRect().width),
          ),
        );
        expect(canvases.length).toBeGreaterThan(0);
        expect(canvases.every((w) => w > 0)).toBe(true);
        // No style leaked out of the examples into the host page.
        const probes = await page.evaluate(() => {
          const w = window as unknown as { __probeBefore: string[]; __probe: () => string[] };
          return { before: w.__probeBefore, after: w.__probe() };
        });
        expect(probes.after).toEqual(probes.before);
        // Self-contained: everything came from the page itself or the bundle's folder.
        const foreign = log.requests.filter(
          (u) =>
            !u.startsWith(`${server.url}/__plain/${pkg}/`) && !u.startsWith(`${server.url}/bundles/${pkg}/`),
        );
        expect(foreign).toEqual([]);
        stop();
        expect(log.errors).toEqual([]);
        expect(log.failed).toEqual([]);
      } finally {
        stop();
        await page.close();
      }
    });
  }
});

describe('the example shell', () => {
  it('pauses (no progress while paused), resumes, stops, runs again to done, and destroy() cleans up', async () => {
    const { page, log, stop } = await watchedPage(context);
    try {
      await page.goto(`${server.url}/__controls/`, { waitUntil: 'load' });
      const root = page.locator('#demo');
      const state = () => root.getAttribute('data-dlf-state');
      const status = () => root.locator('.status').textContent();
      const statusIn =
        'document.querySelector("dlf-example-shell")?.shadowRoot?.querySelector(".status")?.textContent';
      await page.waitForFunction(
        () => document.getElementById('demo')?.getAttribute('data-dlf-state') === 'idle',
      );
      await root.locator('button.start').click();
      await page.waitForFunction(`(${statusIn} ?? '').startsWith('epoch')`);
      await root.locator('button.pause').click();
      expect(await state()).toBe('paused');
      await page.waitForTimeout(300);
      const pausedAt = await status();
      await page.waitForTimeout(1200);
      expect(await status()).toBe(pausedAt);
      expect(await state()).toBe('paused');
      await root.locator('button.pause').click();
      expect(await state()).toBe('running');
      await page.waitForFunction(`${statusIn} !== ${JSON.stringify(pausedAt)}`);
      await root.locator('button.stop').click();
      await page.waitForFunction(
        () => document.getElementById('demo')?.getAttribute('data-dlf-state') === 'stopped',
        null,
        {
          timeout: 10_000,
        },
      );
      await root.locator('button.start').click();
      await page.waitForFunction(
        () => document.getElementById('demo')?.getAttribute('data-dlf-state') === 'done',
        null,
        {
          timeout: 120_000,
        },
      );
      expect(await root.getAttribute('data-dlf-backend')).toMatch(/^(webgpu|webgl|wasm|cpu)$/);
      const after = await page.evaluate(() => {
        (window as unknown as { __handle: { destroy(): void } }).__handle.destroy();
        const demo = document.getElementById('demo') as HTMLElement;
        return { children: demo.childElementCount, attributes: demo.getAttributeNames() };
      });
      expect(after).toEqual({ children: 0, attributes: ['id'] });
      stop();
      expect(log.errors).toEqual([]);
      expect(log.failed).toEqual([]);
    } finally {
      stop();
      await page.close();
    }
  });
});
