// Timing of the kernel and curvature computations, with fitted scaling exponents.
// Run: npm run bench -w @dlf/optim-theory   (tsx; uses the wasm backend in Node)
// Smoke run with small sizes (seconds): npm run bench -w @dlf/optim-theory -- --quick
import { createRng, hessian, losses, mlp, setupBackend, topHessianEigenvalues } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import {
  conditionNumber,
  empiricalNtk,
  polynomialFeatures,
  polynomialKernel,
  tangentKernel,
} from '../src/index.js';

function time(fn: () => unknown, repeats = 3): number {
  fn(); // warm-up
  const t0 = performance.now();
  for (let r = 0; r < repeats; r++) fn();
  return (performance.now() - t0) / repeats;
}

async function timeAsync(fn: () => Promise<unknown>, repeats = 2): Promise<number> {
  await fn();
  const t0 = performance.now();
  for (let r = 0; r < repeats; r++) await fn();
  return (performance.now() - t0) / repeats;
}

/** Least-squares slope of log(ms) against log(size): the empirical scaling exponent. */
function exponent(sizes: number[], ms: number[]): number {
  const xs = sizes.map(Math.log);
  const ys = ms.map(Math.log);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * (ys[i]! - my);
    sxx += (x - mx) ** 2;
  });
  return sxy / sxx;
}

function table(title: string, header: string, rows: [number, number][], note: string): void {
  console.log(`\n${title}`);
  console.log(`  ${header.padEnd(12)} ms`);
  for (const [s, ms] of rows) console.log(`  ${String(s).padEnd(12)} ${ms.toFixed(2)}`);
  console.log(
    `  fitted exponent: ${exponent(
      rows.map((r) => r[0]),
      rows.map((r) => r[1]),
    ).toFixed(2)}  (${note})`,
  );
}

const quick = process.argv.includes('--quick');
/** The full list of sizes, or its first `keep` entries in a quick run. */
const sizes = (all: number[], keep = 2): number[] => (quick ? all.slice(0, keep) : all);

const backend = await setupBackend();
console.log(`backend: ${backend}${quick ? ' (quick run: small sizes only)' : ''}`);
const rng = createRng(0);
const inputs = (n: number, d: number) =>
  Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal()));

// 1. Tangent kernel J J^T against the number of inputs n (width fixed) and the width m (n fixed).
{
  const net = mlp({ sizes: [8, 256, 1], activation: 'tanh', parameterization: 'ntk' });
  const w = net.init(1);
  const rows: [number, number][] = [];
  for (const n of sizes([16, 32, 64, 128])) {
    const X = inputs(n, 8);
    rows.push([n, time(() => tangentKernel(net, w, X))]);
  }
  table('tangentKernel, width 256, against n', 'n', rows, 'J costs O(n m), J J^T O(n^2 m): between 1 and 2');
  w.dispose();
}
{
  const X = inputs(32, 8);
  const rows: [number, number][] = [];
  for (const m of sizes([128, 512, 2048, 8192])) {
    const net = mlp({ sizes: [8, m, 1], activation: 'tanh', parameterization: 'ntk' });
    const w = net.init(1);
    rows.push([m, time(() => tangentKernel(net, w, X))]);
    w.dispose();
  }
  table('tangentKernel, n = 32, against width m', 'm', rows, 'linear in the parameter count: about 1');
}
{
  const X1 = inputs(32, 8);
  const rows: [number, number][] = [];
  for (const n2 of sizes([16, 64, 256])) {
    const net = mlp({ sizes: [8, 512, 1], activation: 'relu', parameterization: 'ntk', bias: false });
    const w = net.init(2);
    const X2 = inputs(n2, 8);
    rows.push([n2, time(() => empiricalNtk(net, w, X1, X2))]);
    w.dispose();
  }
  table('empiricalNtk(X1: 32, X2: n2), width 512, against n2', 'n2', rows, 'about 1');
}
{
  const X1 = inputs(32, 8);
  const X2 = inputs(64, 8);
  const rows: [number, number][] = [];
  for (const m of sizes([128, 512, 2048, 8192])) {
    const net = mlp({ sizes: [8, m, 1], activation: 'relu', parameterization: 'ntk', bias: false });
    const w = net.init(4);
    rows.push([m, time(() => empiricalNtk(net, w, X1, X2))]);
    w.dispose();
  }
  table(
    'empiricalNtk(X1: 32, X2: 64) against width m',
    'm',
    rows,
    'two Jacobians O(n m) and J1 J2^T O(n1 n2 m): about 1',
  );
}

// 2. Largest Hessian eigenvalue: Lanczos on Hessian-vector products against forming the Hessian.
{
  const x = tf.tensor2d(inputs(64, 4));
  const y = tf.tensor2d(inputs(64, 1));
  const lanczos: [number, number][] = [];
  const full: [number, number][] = [];
  for (const h of sizes([8, 16, 32, 64])) {
    const net = mlp({ sizes: [4, h, 1], activation: 'tanh' });
    const w = net.init(3);
    const loss = (v: tf.Tensor1D) => losses.quadratic(y, net.apply(v, x));
    const m = net.numParams;
    lanczos.push([
      m,
      await timeAsync(async () => {
        const r = await topHessianEigenvalues(loss, w, { k: 1, iterations: 30, seed: 0 });
        r.vectors.dispose();
      }),
    ]);
    if (h > 32) {
      w.dispose();
      continue; // forming H for larger m takes minutes; the trend is clear by then
    }
    full.push([
      m,
      time(() => {
        const H = hessian(loss, w);
        const rowsH = H.arraySync() as number[][];
        H.dispose();
        return conditionNumber(rowsH).lambdaMax;
      }, 1),
    ]);
    w.dispose();
  }
  table(
    'lambda_max by Lanczos (30 Hessian-vector products)',
    'params',
    lanczos,
    'each hvp is O(m): about 1 once m dominates fixed per-call overheads',
  );
  table(
    'lambda_max by forming H (m hvps) + Jacobi eigensolver',
    'params',
    full,
    'about 2 to 3: m hvps, O(m^3) eigen',
  );
  console.log('  forming H / Lanczos, same model:');
  for (const [m, ms] of full) {
    const l = lanczos.find((r) => r[0] === m);
    if (l) console.log(`  ${String(m).padEnd(12)} ${(ms / l[1]).toFixed(1)}x`);
  }
  x.dispose();
  y.dispose();
}

// 3. Kernel trick: polynomial kernel against explicit features, degree 3, against the input dimension d.
{
  const kern: [number, number][] = [];
  const feat: [number, number][] = [];
  for (const d of sizes([4, 8, 16, 32])) {
    const X = inputs(100, d);
    kern.push([d, time(() => polynomialKernel(X, X, { degree: 3 }))]);
    feat.push([
      d,
      time(() => {
        const F = polynomialFeatures(X, { degree: 3 });
        return F.map((a) => F.map((b) => a.reduce((s, v, i) => s + v * b[i]!, 0)));
      }, 1),
    ]);
  }
  table(
    "polynomial kernel (x.x' + 1)^3 on 100 points",
    'd',
    kern,
    'O(n^2 d): about 1 once d dominates fixed overheads',
  );
  table('explicit features phi(x), then phi phi^T', 'd', feat, 'about 3: C(d + 3, 3) ~ d^3 / 6 features');
}
