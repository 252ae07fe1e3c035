// Value iteration and policy iteration on a 10,000-state sparse random MDP: wall time.
// Run: npx tsx bench/valueIteration.bench.ts
import { policyIteration, randomMdp, valueIteration } from '../src/index.js';

const numStates = 10_000;
for (const gamma of [0.9, 0.99]) {
  const t0 = performance.now();
  const mdp = randomMdp({ numStates, numActions: 4, branching: 5, gamma, seed: 1 });
  const tBuild = performance.now() - t0;
  const t1 = performance.now();
  const vi = valueIteration(mdp, { tolerance: 1e-6 });
  const tVi = performance.now() - t1;
  const t2 = performance.now();
  const pi = policyIteration(mdp, { evaluation: 'iterative', tolerance: 1e-8 });
  const tPi = performance.now() - t2;
  let gap = 0;
  for (let s = 0; s < numStates; s++) gap = Math.max(gap, Math.abs(vi.values[s]! - pi.values[s]!));
  console.log(
    JSON.stringify({
      numStates,
      numActions: 4,
      branching: 5,
      gamma,
      buildMs: Math.round(tBuild),
      valueIteration: {
        iterations: vi.iterations,
        ms: Math.round(tVi),
        msPerSweep: +(tVi / vi.iterations).toFixed(2),
      },
      policyIteration: { iterations: pi.iterations, ms: Math.round(tPi) },
      maxValueGap: gap,
    }),
  );
}
