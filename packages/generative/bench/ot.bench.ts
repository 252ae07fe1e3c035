// Exact EMD (network simplex) and log-domain Sinkhorn: wall time against problem size, on point
// clouds in the plane with squared Euclidean cost (scaled to max 1), uniform weights.
// Run: npx tsx --conditions=@dlf/source bench/ot.bench.ts   (optional env: SIZES=50,100,200,400)
import { createRng } from '@dlf/runtime';
import { dist, emd, sinkhorn } from '../src/index.js';

const sizes = (process.env.SIZES ?? '50,100,200,400').split(',').map(Number);
const rng = createRng(0);
const cloud = (n: number, shift: number): number[][] =>
  Array.from({ length: n }, () => [rng.normal(shift, 1), rng.normal(0, 1)]);

console.log(
  'n      emd ms  pivots   emd cost   | sinkhorn reg=0.01: ms  iters  cost - emd   | reg=0.001 (eps-scaling): ms  iters  cost - emd',
);
for (const n of sizes) {
  const M0 = dist(cloud(n, 0), cloud(n, 2));
  const scale = Math.max(...M0.flat());
  const M = M0.map((r) => r.map((c) => c / scale));
  const w = new Array(n).fill(1 / n);
  let t = performance.now();
  const exact = emd(w, w, M);
  const emdMs = performance.now() - t;
  t = performance.now();
  const s1 = sinkhorn(w, w, M, { reg: 0.01, maxIter: 10_000, tol: 1e-9 });
  const s1Ms = performance.now() - t;
  t = performance.now();
  const s2 = sinkhorn(w, w, M, { reg: 0.001, maxIter: 20_000, tol: 1e-9, epsilonScaling: true });
  const s2Ms = performance.now() - t;
  console.log(
    `${String(n).padEnd(6)} ${emdMs.toFixed(0).padStart(7)} ${String(exact.iterations).padStart(7)}   ${exact.cost.toFixed(6)}   | ${s1Ms.toFixed(0).padStart(8)} ${String(s1.iterations).padStart(6)}  ${(s1.cost - exact.cost).toExponential(2)}${s1.converged ? '' : ' (not converged)'}   | ${s2Ms.toFixed(0).padStart(8)} ${String(s2.iterations).padStart(6)}  ${(s2.cost - exact.cost).toExponential(2)}${s2.converged ? '' : ' (not converged)'}`,
  );
}
