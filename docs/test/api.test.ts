import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { documentedPackages } from '../scripts/packages.mjs';
import { buildDir } from './harness';

const programs = new Map<string, ts.Program>();

/** Names exported by a built entry point, types included, read from its .d.ts with the TS checker. */
function exportedNames(dts: string, allEntries: string[]): string[] {
  const key = allEntries.join('\n');
  let program = programs.get(key);
  if (!program) {
    program = ts.createProgram(allEntries, { noEmit: true, skipLibCheck: true, types: [] });
    programs.set(key, program);
  }
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(dts);
  const symbol = source && checker.getSymbolAtLocation(source);
  if (!symbol) throw new Error(`no module symbol for ${dts}`);
  return checker.getExportsOfModule(symbol).map((s) => s.getName());
}

/** The built API pages of one module: `Name` for each build/<pkg>/api/<module>/<kind>/<Name>/. */
function documentedNames(pkg: string, module: string): Set<string> {
  const dir = join(buildDir, pkg, 'api', module);
  const names = new Set<string>();
  if (!existsSync(dir)) return names;
  for (const kind of readdirSync(dir, { withFileTypes: true })) {
    if (!kind.isDirectory()) continue;
    for (const page of readdirSync(join(dir, kind.name))) names.add(page);
  }
  return names;
}

describe('the API reference', () => {
  for (const p of documentedPackages()) {
    const manifest = JSON.parse(readFileSync(join(p.dir, 'package.json'), 'utf8')) as {
      exports: Record<string, { types?: string }>;
    };
    const typesOf = (subpath: string) => join(p.dir, manifest.exports[subpath]?.types ?? '');
    const allTypes = p.entries.map((e) => typesOf(e.subpath)).filter((f) => existsSync(f));
    for (const entry of p.entries) {
      const module = entry.subpath === '.' ? 'main' : entry.subpath.replace(/^\.\//, '');
      it(`has a page for every export of ${p.name}${entry.subpath === '.' ? '' : entry.subpath.slice(1)}`, () => {
        const dts = typesOf(entry.subpath);
        expect(existsSync(dts), `${dts} (build ${p.name} first)`).toBe(true);
        const names = exportedNames(dts, allTypes);
        expect(names.length).toBeGreaterThan(0);
        const pages = documentedNames(p.short, module);
        expect(names.filter((n) => !pages.has(n))).toEqual([]);
      });
    }
  }
});
