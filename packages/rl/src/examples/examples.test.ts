import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DlfError } from '@dlf/runtime';
import { staticValueImports } from '@dlf/runtime/testing';
import { describe, expect, it } from 'vitest';
import { GridWorld } from '../envs/GridWorld.js';
import { policyIteration } from '../policyIteration.js';
import { valueIteration } from '../valueIteration.js';
import { DEFAULT_LAYOUT, editLayout } from './gridView.js';
import * as examplesModule from './index.js';

const dir = import.meta.dirname;
const sources = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .map((file) => ({ file, source: readFileSync(join(dir, file), 'utf8') }));

/** Names given to `defineExample({ name: '...' })` in the folder's files. */
const definedNames = sources.flatMap(({ source }) =>
  [...source.matchAll(/defineExample(?:<[^>]*>)?\(\{[\s\S]*?\bname:\s*'([^']+)'/g)].map(
    (m) => m[1] as string,
  ),
);

describe('@dlf/rl/examples', () => {
  const { examples } = examplesModule;

  it('lists every example defined in the folder, under its own name, with an rl/<name> id', () => {
    expect([...definedNames].sort()).toEqual([
      'cartPoleLearning',
      'gridWorldDp',
      'policyGradients',
      'qLearningLive',
    ]);
    expect(Object.keys(examples).sort()).toEqual([...definedNames].sort());
    for (const [key, example] of Object.entries(examples)) {
      expect(example.name).toBe(key);
      expect(example.id).toBe(`rl/${key}`);
      expect(example.title.length).toBeGreaterThan(0);
      expect(example.description.length).toBeGreaterThan(0);
      expect(typeof example.mount).toBe('function');
      expect(typeof example.defaults).toBe('object');
    }
  });

  it('exports each example by name, the same object as in the record', () => {
    const named = Object.entries(examplesModule).filter(
      ([key, value]) => key !== 'examples' && typeof (value as { mount?: unknown })?.mount === 'function',
    );
    expect(named.map(([key]) => key).sort()).toEqual(Object.keys(examples).sort());
    for (const [key, value] of named) expect(value).toBe(examples[key]);
    expect(Object.isFrozen(examples)).toBe(true);
  });

  it('loads nothing heavy at module level: no static import of tfjs, onnxruntime or package code', () => {
    expect(sources.length).toBeGreaterThan(3);
    for (const { file, source } of sources) {
      // `import type` is erased; package code (which imports @dlf/runtime and tfjs) is `import()`ed in run().
      const staticImports = staticValueImports(source);
      for (const spec of staticImports) {
        expect(spec, `${file} imports ${spec} statically`).not.toMatch(
          /^@tensorflow\/|^onnxruntime|^@dlf\/rl$|^\.\.\/|^@dlf\/runtime$/,
        );
      }
    }
  });

  it('mount rejects a non-element with DlfError INVALID_ARGUMENT naming the parameter', () => {
    for (const example of Object.values(examples)) {
      let caught: unknown;
      try {
        example.mount({} as HTMLElement);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(DlfError);
      expect(caught).toMatchObject({ code: 'INVALID_ARGUMENT', param: 'element' });
    }
  });
});

describe('gridWorldDp editing and stepping', () => {
  it('a click toggles what it paints, never removes the last start cell and ignores cells off the grid', () => {
    const layout = ['S.', '.G'];
    const walled = editLayout(layout, 0, 1, 'wall');
    expect(walled).toEqual(['S#', '.G']);
    expect(editLayout(walled, 0, 1, 'wall')).toEqual(layout);
    expect(editLayout(layout, 1, 1, 'goal')).toEqual(['S.', '..']);
    expect(editLayout(layout, 1, 0, 'pit')).toEqual(['S.', 'HG']);
    // The only start cell stays, whatever is painted on it.
    for (const paint of ['wall', 'goal', 'pit', 'start', 'empty'] as const) {
      expect(editLayout(layout, 0, 0, paint)).toBe(layout);
    }
    const twoStarts = editLayout(layout, 1, 0, 'start');
    expect(twoStarts).toEqual(['S.', 'SG']);
    expect(editLayout(twoStarts, 0, 0, 'wall')).toEqual(['#.', 'SG']);
    expect(editLayout(layout, 2, 0, 'wall')).toBe(layout);
    expect(editLayout(layout, 0, 5, 'wall')).toBe(layout);
  });

  it('one warm-started sweep per frame, as the example steps, is exactly value iteration', () => {
    const mdp = new GridWorld({ layout: [...DEFAULT_LAYOUT], slip: 0.2, stepReward: -0.04 }).toMdp(0.9);
    const full = valueIteration(mdp, { tolerance: 1e-6 });
    let values: Float64Array = new Float64Array(mdp.numStates);
    const residuals: number[] = [];
    for (let k = 0; k < full.iterations; k++) {
      const step = valueIteration(mdp, { maxIterations: 1, initialValues: values, tolerance: 0 });
      values = step.values;
      residuals.push(step.residuals[0] as number);
    }
    expect(residuals).toEqual(full.residuals);
    expect(Array.from(values)).toEqual(Array.from(full.values));
    // The example's stopping rule is the solver's: gamma / (1 - gamma) * residual <= tolerance.
    expect((0.9 / 0.1) * (residuals.at(-1) as number)).toBeLessThanOrEqual(1e-6);
    expect((0.9 / 0.1) * (residuals.at(-2) as number)).toBeGreaterThan(1e-6);
  });

  it('one policy-iteration round per frame reaches the policy and round count of one call', () => {
    const mdp = new GridWorld({ layout: [...DEFAULT_LAYOUT], slip: 0.2, stepReward: -0.04 }).toMdp(0.9);
    const full = policyIteration(mdp);
    let policy: Int32Array = new Int32Array(mdp.numStates);
    let rounds = 0;
    for (;;) {
      const round = policyIteration(mdp, { maxIterations: 1, initialPolicy: policy });
      rounds++;
      policy = round.policy;
      if (round.policyChanges[0] === 0) break;
    }
    expect(rounds).toBe(full.iterations);
    expect(Array.from(policy)).toEqual(Array.from(full.policy));
  });
});
