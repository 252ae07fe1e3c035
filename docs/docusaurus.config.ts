import { createRequire } from 'node:module';
import type * as Preset from '@docusaurus/preset-classic';
import type { Config, Plugin, PluginConfig } from '@docusaurus/types';
import { themes as prismThemes } from 'prism-react-renderer';
import rehypeKatex from 'rehype-katex';
import remarkMath from 'remark-math';
import { documentedPackages } from './scripts/packages.mjs';

const require = createRequire(import.meta.url);

/** Site URL and base path; override for another host (`DLF_DOCS_URL`, `DLF_DOCS_BASE_URL`). */
const url = process.env.DLF_DOCS_URL ?? 'https://dlf.github.io';
const baseUrl = process.env.DLF_DOCS_BASE_URL ?? '/';

const packages = documentedPackages();

/** One TypeDoc run per documented package, over every subpath of its exports map. */
const typedocPlugins: PluginConfig[] = packages.map(
  (p) =>
    [
      'docusaurus-plugin-typedoc',
      {
        id: `api-${p.short}`,
        entryPoints: p.entries.map((e) => e.source),
        tsconfig: `${p.dir}/tsconfig.json`,
        out: `./docs/${p.short}/api`,
        name: p.name,
        plugin: ['./scripts/typedoc-module-names.mjs'],
        readme: 'none',
        excludeInternal: true,
        excludePrivate: true,
        excludeExternals: true,
        disableSources: true,
        hideGenerator: true,
        sidebar: { autoConfiguration: true, pretty: true },
        entryFileName: 'index',
        validation: { notExported: false, invalidLink: false, notDocumented: false },
        skipErrorChecking: true,
        logLevel: 'Warn',
      },
    ] satisfies PluginConfig,
);

/**
 * Names the lazily loaded vendor chunks (`tfjs`, `tfjs-backend-wasm`, `tfjs-backend-webgpu`,
 * `onnxruntime`) so that pages and tests can tell when the heavy libraries are fetched.
 */
function heavyChunksPlugin(): Plugin {
  return {
    name: 'dlf-heavy-chunks',
    configureWebpack(_config, isServer) {
      if (isServer) return {};
      return {
        // The wasm backend's Emscripten glue mentions __dirname/__filename on its Node path only.
        ignoreWarnings: [{ module: /tfjs-backend-wasm[\\/]wasm-out[\\/]/ }],
        optimization: {
          splitChunks: {
            cacheGroups: {
              dlfHeavy: {
                test: /[\\/]node_modules[\\/](@tensorflow|onnxruntime-web|onnxruntime-common)[\\/]/,
                chunks: 'async',
                enforce: true,
                priority: 100,
                name(module: { context?: string | null }) {
                  const context = module.context ?? '';
                  const m =
                    /[\\/](tfjs-backend-wasm|tfjs-backend-webgpu|onnxruntime-web|onnxruntime-common)[\\/]/.exec(
                      context,
                    );
                  if (!m) return 'tfjs';
                  return m[1]?.startsWith('onnxruntime') ? 'onnxruntime' : m[1];
                },
              },
            },
          },
        },
      };
    },
  };
}

const config: Config = {
  title: 'dlf',
  tagline:
    'The theory of a graduate deep-learning course, as tested TypeScript packages you can run in the browser',
  url,
  baseUrl,
  favicon: 'img/logo.svg',
  trailingSlash: true,
  onBrokenLinks: 'throw',
  onBrokenAnchors: 'throw',
  onDuplicateRoutes: 'throw',
  markdown: {
    format: 'detect',
    hooks: { onBrokenMarkdownLinks: 'throw' },
  },
  customFields: {
    packages: packages.map((p) => ({ short: p.short, name: p.name, description: p.description })),
  },
  i18n: { defaultLocale: 'en', locales: ['en'] },
  // Rspack, SWC and Lightning CSS instead of webpack, Babel and Terser: a several times faster build.
  // The v4 flags it needs, but not CSS cascade layers: their polyfill lets Infima's rules outrank
  // src/css/custom.css.
  future: {
    faster: true,
    v4: {
      removeLegacyPostBuildHeadAttribute: true,
      useCssCascadeLayers: false,
      siteStorageNamespacing: true,
      fasterByDefault: true,
      mdx1CompatDisabledByDefault: true,
    },
  },
  clientModules: [require.resolve('katex/dist/katex.min.css')],
  presets: [
    [
      'classic',
      {
        docs: {
          path: 'docs',
          routeBasePath: '/',
          sidebarPath: './sidebars.ts',
          remarkPlugins: [remarkMath],
          rehypePlugins: [[rehypeKatex, { strict: 'error', throwOnError: true }]],
          showLastUpdateTime: false,
        },
        blog: false,
        pages: { remarkPlugins: [remarkMath], rehypePlugins: [rehypeKatex] },
        theme: { customCss: './src/css/custom.css' },
        sitemap: { changefreq: 'weekly', priority: 0.5 },
      } satisfies Preset.Options,
    ],
  ],
  themes: [
    [
      require.resolve('@easyops-cn/docusaurus-search-local'),
      {
        hashed: true,
        indexDocs: true,
        indexPages: true,
        indexBlog: false,
        docsRouteBasePath: '/',
        language: ['en'],
        explicitSearchResultPath: true,
        searchResultLimits: 10,
      },
    ],
  ],
  plugins: [...typedocPlugins, heavyChunksPlugin],
  themeConfig: {
    colorMode: { respectPrefersColorScheme: true },
    navbar: {
      title: 'dlf',
      logo: { alt: 'dlf', src: 'img/logo.svg' },
      items: [
        ...packages.map((p) => ({
          to: `/${p.short}/`,
          label: p.name.replace(/^@dlf\//, ''),
          position: 'left' as const,
        })),
        { to: '/embed/', label: 'Embed', position: 'left' },
      ],
    },
    footer: {
      style: 'dark',
      copyright: 'dlf — MIT licensed. Built with Docusaurus; math by KaTeX; examples run on TensorFlow.js.',
    },
    prism: { theme: prismThemes.github, darkTheme: prismThemes.dracula },
  } satisfies Preset.ThemeConfig,
};

export default config;
