// Finds the workspace packages the site documents. A package is on the site when it is a dependency
// of @dlf/docs (so turbo builds it first) and a folder docs/<short name>/ holds its pages; its API
// reference is generated from every subpath of its `exports` map, and its live examples come from its
// `./examples` subpath when it has one.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const siteDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoDir = resolve(siteDir, '..');

/**
 * @typedef {object} DocumentedPackage
 * @property {string} short   the folder name under packages/ ("runtime")
 * @property {string} name    the npm name ("@dlf/runtime")
 * @property {string} description  its package.json description
 * @property {string} dir     absolute path of the package
 * @property {{ subpath: string, source: string }[]} entries  public subpaths and their source files
 * @property {boolean} hasExamples  whether the package exports "./examples"
 * @property {boolean} hasPages     whether docs/<short>/ exists
 */

/** @returns {DocumentedPackage[]} every workspace package under packages/, sorted by name. */
export function workspacePackages() {
  const root = join(repoDir, 'packages');
  if (!existsSync(root)) return [];
  const out = [];
  for (const short of readdirSync(root).sort()) {
    const manifest = join(root, short, 'package.json');
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
    const exportsMap = pkg.exports && typeof pkg.exports === 'object' ? pkg.exports : {};
    const entries = [];
    for (const [subpath, target] of Object.entries(exportsMap)) {
      if (subpath === './package.json' || typeof target !== 'object' || target === null) continue;
      const source = target['@dlf/source'];
      if (typeof source !== 'string') continue;
      const file = join(root, short, source);
      if (existsSync(file)) entries.push({ subpath, source: file });
      else console.warn(`[dlf docs] ${pkg.name} exports ${subpath} but ${source} does not exist; skipped`);
    }
    out.push({
      short,
      name: pkg.name,
      description: pkg.description ?? '',
      dir: join(root, short),
      entries,
      hasExamples: Object.hasOwn(exportsMap, './examples'),
      hasPages: existsSync(join(siteDir, 'docs', short)),
    });
  }
  return out;
}

/** @returns {string[]} the names of @dlf/docs's dependencies. */
function siteDependencies() {
  const pkg = JSON.parse(readFileSync(join(siteDir, 'package.json'), 'utf8'));
  return Object.keys({ ...pkg.dependencies, ...pkg.devDependencies });
}

/**
 * @returns {DocumentedPackage[]} the workspace packages @dlf/docs depends on (built before the site,
 * so their `dist/` is what the site bundles). Throws when docs/<short>/ exists for a package the
 * site does not depend on: turbo would not build it first.
 */
export function sitePackages() {
  const deps = new Set(siteDependencies());
  const all = workspacePackages();
  for (const p of all) {
    if (p.hasPages && !deps.has(p.name)) {
      throw new Error(
        `docs/docs/${p.short}/ exists but ${p.name} is not a dependency of @dlf/docs: add "${p.name}": "*" to docs/package.json dependencies`,
      );
    }
  }
  return all.filter((p) => deps.has(p.name));
}

/** @returns {DocumentedPackage[]} the site's packages that have pages (and so an API reference). */
export function documentedPackages() {
  return sitePackages().filter((p) => p.hasPages);
}
