/**
 * Test fixture: a plain-JavaScript float64 implementation of an MLP with softmax cross-entropy,
 * written from the documented layout of `mlp` (w = [W1 row-major [in, out], b1, W2, b2, ...],
 * standard parameterisation z = h W + b), independent of tfjs. Used as the reference that the
 * tfjs autodiff results are checked against (with finite differences on top of it).
 */

export type Act64 = 'tanh' | 'sigmoid' | 'softplus' | 'linear';

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

const ACT: Record<Act64, { f: (z: number) => number; df: (z: number) => number }> = {
  tanh: { f: Math.tanh, df: (z) => 1 - Math.tanh(z) ** 2 },
  sigmoid: { f: sigmoid, df: (z) => sigmoid(z) * (1 - sigmoid(z)) },
  softplus: { f: (z) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))), df: sigmoid },
  linear: { f: (z) => z, df: () => 1 },
};

export interface Mlp64 {
  sizes: number[];
  /** One per layer (hidden and output). */
  acts: Act64[];
}

interface Trace {
  /** Pre-activations z_l per layer, per example. */
  zs: number[][][];
  /** Activations h_0 = x, h_1, ..., h_L per example. */
  hs: number[][][];
}

function run(net: Mlp64, w: ArrayLike<number>, xs: number[][]): Trace {
  const hs: number[][][] = [xs];
  const zs: number[][][] = [];
  let off = 0;
  for (let l = 0; l < net.sizes.length - 1; l++) {
    const fi = net.sizes[l] as number;
    const fo = net.sizes[l + 1] as number;
    const act = ACT[net.acts[l] as Act64];
    const prev = hs[l] as number[][];
    const z = prev.map((h) => {
      const out = new Array<number>(fo).fill(0);
      for (let i = 0; i < fi; i++) {
        const hi = h[i] as number;
        for (let j = 0; j < fo; j++) out[j] = (out[j] as number) + hi * (w[off + i * fo + j] as number);
      }
      for (let j = 0; j < fo; j++) out[j] = (out[j] as number) + (w[off + fi * fo + j] as number);
      return out;
    });
    off += fi * fo + fo;
    zs.push(z);
    hs.push(z.map((row) => row.map(act.f)));
  }
  return { zs, hs };
}

/** Network outputs `[batch][out]`. */
export function forward64(net: Mlp64, w: ArrayLike<number>, xs: number[][]): number[][] {
  const { hs } = run(net, w, xs);
  return hs[hs.length - 1] as number[][];
}

/** Mean softmax cross-entropy of the outputs (logits) against label rows. */
export function loss64(net: Mlp64, w: ArrayLike<number>, xs: number[][], ys: number[][]): number {
  const logits = forward64(net, w, xs);
  let total = 0;
  logits.forEach((z, b) => {
    const m = Math.max(...z);
    const lse = m + Math.log(z.reduce((a, v) => a + Math.exp(v - m), 0));
    z.forEach((v, c) => {
      total -= (ys[b]?.[c] as number) * (v - lse);
    });
  });
  return total / xs.length;
}

/** Exact float64 gradient of `loss64` by hand-written backpropagation. */
export function grad64(net: Mlp64, w: ArrayLike<number>, xs: number[][], ys: number[][]): Float64Array {
  const { zs, hs } = run(net, w, xs);
  const L = net.sizes.length - 1;
  const g = new Float64Array(w.length);
  const offsets: number[] = [];
  let off = 0;
  for (let l = 0; l < L; l++) {
    offsets.push(off);
    off += (net.sizes[l] as number) * (net.sizes[l + 1] as number) + (net.sizes[l + 1] as number);
  }
  const n = xs.length;
  // dLoss/dOutput for softmax cross-entropy on the final activations (logits).
  let delta: number[][] = (hs[L] as number[][]).map((z, b) => {
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const s = e.reduce((a, v) => a + v, 0);
    return e.map((v, c) => (v / s - (ys[b]?.[c] as number)) / n);
  });
  for (let l = L - 1; l >= 0; l--) {
    const fi = net.sizes[l] as number;
    const fo = net.sizes[l + 1] as number;
    const act = ACT[net.acts[l] as Act64];
    const z = zs[l] as number[][];
    // Through the activation.
    delta = delta.map((d, b) => d.map((v, j) => v * act.df(z[b]?.[j] as number)));
    const h = hs[l] as number[][];
    const o = offsets[l] as number;
    for (let b = 0; b < n; b++) {
      for (let i = 0; i < fi; i++) {
        for (let j = 0; j < fo; j++) {
          g[o + i * fo + j] =
            (g[o + i * fo + j] as number) + (h[b]?.[i] as number) * (delta[b]?.[j] as number);
        }
      }
      for (let j = 0; j < fo; j++)
        g[o + fi * fo + j] = (g[o + fi * fo + j] as number) + (delta[b]?.[j] as number);
    }
    delta = delta.map((d) => {
      const back = new Array<number>(fi).fill(0);
      for (let i = 0; i < fi; i++) {
        for (let j = 0; j < fo; j++)
          back[i] = (back[i] as number) + (d[j] as number) * (w[o + i * fo + j] as number);
      }
      return back;
    });
  }
  return g;
}

/** H v by central differences of the exact float64 gradient: error O(h^2). */
export function hvp64(
  net: Mlp64,
  w: ArrayLike<number>,
  v: ArrayLike<number>,
  xs: number[][],
  ys: number[][],
  h = 1e-4,
): Float64Array {
  const plus = Float64Array.from(w, (wi, i) => wi + h * (v[i] as number));
  const minus = Float64Array.from(w, (wi, i) => wi - h * (v[i] as number));
  const gp = grad64(net, plus, xs, ys);
  const gm = grad64(net, minus, xs, ys);
  return gp.map((a, i) => (a - (gm[i] as number)) / (2 * h));
}

/** d outputs / d w by central differences of `forward64`: `[batch * out][m]`, row-major outputs. */
export function jacobian64(net: Mlp64, w: ArrayLike<number>, xs: number[][], h = 1e-6): number[][] {
  const m = w.length;
  const rows: number[][] = [];
  const base = Float64Array.from(w);
  const cols: number[][] = [];
  for (let j = 0; j < m; j++) {
    const orig = base[j] as number;
    base[j] = orig + h;
    const fp = forward64(net, base, xs).flat();
    base[j] = orig - h;
    const fm = forward64(net, base, xs).flat();
    base[j] = orig;
    cols.push(fp.map((a, i) => (a - (fm[i] as number)) / (2 * h)));
  }
  const n = cols[0]?.length ?? 0;
  for (let i = 0; i < n; i++) rows.push(cols.map((c) => c[i] as number));
  return rows;
}

/** ||a - b|| / ||b||. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += ((a[i] as number) - (b[i] as number)) ** 2;
    den += (b[i] as number) ** 2;
  }
  return Math.sqrt(num / den);
}

/** A fixed small problem: MLP 4-5-5-5-3 with tanh, sigmoid, softplus layers, 6 examples, one-hot labels. */
export function makeProblem(seed = 1): {
  net64: Mlp64;
  sizes: number[];
  xs: number[][];
  ys: number[][];
} {
  // A tiny LCG so that the fixture does not depend on the code under test.
  let state = seed >>> 0 || 1;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  const sizes = [4, 5, 5, 5, 3];
  const xs = Array.from({ length: 6 }, () => Array.from({ length: 4 }, () => Math.fround(normal())));
  const ys = Array.from({ length: 6 }, (_, i) => [0, 1, 2].map((c) => (c === i % 3 ? 1 : 0)));
  return { net64: { sizes, acts: ['tanh', 'sigmoid', 'softplus', 'linear'] }, sizes, xs, ys };
}
