import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { siteDir } from '../scripts/packages.mjs';

export const buildDir = join(siteDir, 'build');
export const artifactsDir = join(siteDir, 'test-artifacts');

/** Chromium flags: no sandbox (containers), WebGPU allowed, and nothing that phones home. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launchChromium(): Promise<Browser> {
  const executablePath = process.env.DLF_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(`no Chromium at ${executablePath}: apt-get install chromium, or set DLF_CHROMIUM`);
  }
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

export interface SitePage {
  /** URL path, e.g. `/runtime/theory/seeded-randomness/`. */
  route: string;
  /** The built HTML. */
  html: string;
  /** `data-dlf-example` values found in the HTML, in order. */
  examples: string[];
  /** Whether the HTML holds KaTeX output. */
  hasMath: boolean;
}

/**
 * Every page of the built site: each `index.html` under build/ (Docusaurus writes one per route),
 * except the standalone bundles' folder. New pages and examples are found without editing tests.
 */
export function discoverPages(): SitePage[] {
  if (!existsSync(join(buildDir, 'index.html'))) {
    throw new Error(`${buildDir} has no index.html: run \`npm run build -w @dlf/docs\` first`);
  }
  const pages: SitePage[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (path === join(buildDir, 'bundles') || path === join(buildDir, 'assets')) continue;
        walk(path);
      } else if (entry.name === 'index.html') {
        const rel = relative(buildDir, dir).split(sep).join('/');
        const html = readFileSync(path, 'utf8');
        // Attributes inside real tags only (code samples show them as &lt;...), quoted or not (the
        // HTML is minified).
        const examples = [
          ...html.matchAll(/<[a-zA-Z][^<>]*?\sdata-dlf-example=(?:"([^"]*)"|'([^']*)'|([^\s>]+))/g),
        ].map((m) => (m[1] ?? m[2] ?? m[3]) as string);
        const hasMath = /<span class=(?:katex|"katex"|'katex')[\s>]/.test(html);
        pages.push({ route: rel === '' ? '/' : `/${rel}/`, html, examples, hasMath });
      }
    }
  };
  walk(buildDir);
  return pages.sort((a, b) => a.route.localeCompare(b.route));
}

/** What a page did while it was watched. */
export interface PageLog {
  errors: string[];
  failed: string[];
  requests: string[];
  /** JS responses: URL and body size in bytes (uncompressed). */
  scripts: { url: string; body: Buffer }[];
}

/**
 * Opens a page that records console errors, uncaught exceptions, failed requests (network errors
 * and HTTP >= 400) and every request, with their scripts' bodies when `keepScripts` is set.
 */
export async function watchedPage(context: BrowserContext, options: { keepScripts?: boolean } = {}) {
  const page = await context.newPage();
  const log: PageLog = { errors: [], failed: [], requests: [], scripts: [] };
  let watching = true;
  let inflight = 0;
  let lastChange = Date.now();
  page.on('request', () => {
    inflight++;
    lastChange = Date.now();
  });
  const settle = () => {
    inflight = Math.max(0, inflight - 1);
    lastChange = Date.now();
  };
  page.on('requestfinished', settle);
  page.on('requestfailed', settle);
  page.on('console', (m) => {
    if (watching && m.type() === 'error') log.errors.push(`console.error: ${m.text()}`);
  });
  page.on('pageerror', (e) => {
    if (watching) log.errors.push(`uncaught: ${e.message}`);
  });
  page.on('request', (r) => {
    if (watching) log.requests.push(r.url());
  });
  page.on('requestfailed', (r) => {
    if (watching) log.failed.push(`${r.url()} (${r.failure()?.errorText ?? 'failed'})`);
  });
  page.on('response', async (r) => {
    if (!watching) return;
    if (r.status() >= 400) log.failed.push(`${r.url()} (HTTP ${r.status()})`);
    const type = r.headers()['content-type'] ?? '';
    if (options.keepScripts && type.includes('javascript')) {
      try {
        log.scripts.push({ url: r.url(), body: await r.body() });
      } catch {
        // The page navigated away before the body arrived.
      }
    }
  });
  return {
    page,
    log,
    /**
     * Resolves once no request has been in flight for `quietMs` (a shorter version of Playwright's
     * 'networkidle', which waits 500 ms), or after `timeoutMs` at most.
     */
    quiet: async (quietMs = 150, timeoutMs = 15_000) => {
      const end = Date.now() + timeoutMs;
      while (Date.now() < end) {
        if (inflight === 0 && Date.now() - lastChange >= quietMs) return;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    /** Stops recording (before closing, so that aborted in-flight requests do not count). */
    stop: () => {
      watching = false;
    },
  };
}

export const FINAL_STATES = ['done', 'error', 'stopped'];

/**
 * Brings every live example on the page to a final state, in page order: scrolls it into view
 * (which starts `start="visible"` examples), presses Start for the others, waits, and screenshots
 * it into test-artifacts/. Returns each example's id, state, backend and message.
 */
export async function runExamples(page: Page, label: string, timeoutMs = 180_000) {
  mkdirSync(artifactsDir, { recursive: true });
  const roots = page.locator('[data-dlf-example]');
  const count = await roots.count();
  const results: { id: string; state: string; backend: string | null; message: string }[] = [];
  for (let i = 0; i < count; i++) {
    const root = roots.nth(i);
    const id = (await root.getAttribute('data-dlf-example')) ?? '?';
    await root.scrollIntoViewIfNeeded();
    // Mounted (the wrapper's placeholder state is `loading`) ...
    await page.waitForFunction(
      (el) => el?.getAttribute('data-dlf-state') !== 'loading',
      await root.elementHandle(),
      {
        timeout: 30_000,
      },
    );
    // ... then started: by visibility, or by its Start button.
    await page.waitForTimeout(300);
    if ((await root.getAttribute('data-dlf-state')) === 'idle') await root.locator('button.start').click();
    await page.waitForFunction(
      ([el, finals]) => (finals as string[]).includes(el?.getAttribute('data-dlf-state') ?? ''),
      [await root.elementHandle(), FINAL_STATES] as const,
      { timeout: timeoutMs, polling: 250 },
    );
    const state = (await root.getAttribute('data-dlf-state')) ?? '';
    const message =
      (await root.getAttribute('data-dlf-error')) ??
      (await root
        .locator('.status')
        .first()
        .textContent()
        .catch(() => '')) ??
      '';
    await root.scrollIntoViewIfNeeded();
    const file = `${label.replace(/^\/|\/$/g, '').replace(/[^a-zA-Z0-9-]+/g, '_') || 'home'}--${i}-${id.replace('/', '-')}.png`;
    await root.screenshot({ path: join(artifactsDir, file) });
    results.push({ id, state, backend: await root.getAttribute('data-dlf-backend'), message });
  }
  return results;
}
