import type * as TF from '@tensorflow/tfjs';
import { createRng } from '../createRng.js';
import { assertInteger } from '../validate.js';
import { defineExample } from './defineExample.js';

/** Options of the {@link exactHvp} example. */
export interface ExactHvpExampleOptions {
  /** Dimension of `x`. Default: 256. */
  dim: number;
  /** Seed of `x` and of the direction `v`. Default: 0. */
  seed: number;
}

interface Row {
  method: string;
  error: number | string;
}

const css = `
.hvp-table { border-collapse: collapse; width: 100%; font-size: 13px; }
.hvp-table th, .hvp-table td { text-align: left; padding: 4px 6px; border-bottom: 1px solid var(--dlf-example-border, #d0d7de); }
.hvp-table td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
.hvp-bar { display: inline-block; height: 8px; border-radius: 2px; background: var(--dlf-example-accent, #2e8555); vertical-align: middle; }
.hvp-bar.bad { background: #cf222e; }
.hvp-note { margin: 6px 0 0; font-size: 12px; color: var(--dlf-example-muted, #57606a); }
`;

function render(view: HTMLElement, rows: Row[]): void {
  const table = document.createElement('table');
  table.className = 'hvp-table';
  table.innerHTML = '<thead><tr><th>method</th><th>relative error of Hv</th><th></th></tr></thead>';
  const body = document.createElement('tbody');
  for (const row of rows) {
    const tr = document.createElement('tr');
    const name = document.createElement('td');
    name.textContent = row.method;
    const value = document.createElement('td');
    value.className = 'num';
    const barCell = document.createElement('td');
    if (typeof row.error === 'number') {
      value.textContent = row.error.toExponential(1);
      // log scale: 1e-8 -> short bar, 1 -> full bar.
      const frac = Math.min(1, Math.max(0.02, (Math.log10(Math.max(row.error, 1e-9)) + 9) / 9));
      const bar = document.createElement('span');
      bar.className = row.error > 1e-3 ? 'hvp-bar bad' : 'hvp-bar';
      bar.style.width = `${Math.round(frac * 120)}px`;
      barCell.append(bar);
    } else value.textContent = row.error;
    tr.append(name, value, barCell);
    body.append(tr);
  }
  table.append(body);
  const note = document.createElement('p');
  note.className = 'hvp-note';
  note.textContent =
    'f(x) = Σ xᵢ tanh(xᵢ); exact Hv = 2(1 − tanh²x)(1 − x tanh x) ⊙ v, computed in float64. Bars: log scale, 1e-9 to 1.';
  view.replaceChildren(table, note);
}

/**
 * Live example: the Hessian-vector product of `f(x) = sum_i x_i tanh(x_i)` computed four ways and
 * compared with its closed form `Hv = 2 (1 - tanh^2 x)(1 - x tanh x) v` (float64): double
 * backpropagation through the runtime's `ops.tanh` (exact to float32 rounding), central finite
 * differences of the gradient at several step sizes (truncation error ~eps^2 against rounding error
 * ~u/eps), and double backpropagation through plain `tf.tanh`, which loses the curvature term.
 *
 * @example
 * ```ts
 * import { exactHvp } from '@dlf/runtime/examples';
 * exactHvp.mount(document.getElementById('hvp')!, { dim: 1000 });
 * ```
 */
export const exactHvp = defineExample<ExactHvpExampleOptions>({
  package: 'runtime',
  name: 'exactHvp',
  title: 'Hessian-vector products: exact vs finite differences vs plain tfjs',
  description:
    'The Hessian-vector product of f(x) = Σ x tanh x by double backprop through ops.tanh, by finite differences, and through tf.tanh, against the closed form.',
  defaults: { dim: 256, seed: 0 },
  css,
  validate(o) {
    assertInteger('dim', o.dim, { min: 1, max: 1_000_000 });
    assertInteger('seed', o.seed);
  },
  setup(view) {
    render(view, [
      { method: 'double backprop through ops.tanh (hvp)', error: '—' },
      { method: 'finite differences of the gradient', error: '—' },
      { method: 'double backprop through tf.tanh', error: '—' },
    ]);
  },
  async run({ tf, runtime, progress, tick, view, options }) {
    const { hvp, ops, grad } = runtime;
    const rng = createRng(options.seed);
    const xs = rng.normalArray(options.dim, 0, 1.5);
    const vs = rng.normalArray(options.dim);
    // Closed form in float64 from the float32 inputs.
    const exact = new Float64Array(options.dim);
    for (let i = 0; i < options.dim; i++) {
      const x = xs[i] as number;
      const t = Math.tanh(x);
      exact[i] = 2 * (1 - t * t) * (1 - x * t) * (vs[i] as number);
    }
    const exactNorm = Math.hypot(...exact);
    const relError = (values: ArrayLike<number>) => {
      let s = 0;
      for (let i = 0; i < options.dim; i++) s += ((values[i] as number) - (exact[i] as number)) ** 2;
      return Math.sqrt(s) / exactNorm;
    };
    const x = tf.tensor1d(xs);
    const v = tf.tensor1d(vs);
    const rows: Row[] = [];
    const steps = 5;
    try {
      const safe = (w: TF.Tensor1D): TF.Scalar => tf.sum(tf.mul(w, ops.tanh(w)));
      const exactHv = hvp(safe, x, v);
      rows.push({ method: 'double backprop through ops.tanh (hvp)', error: relError(await exactHv.data()) });
      exactHv.dispose();
      render(view, rows);
      progress(1 / steps, 'hvp done');
      await tick();

      for (const [k, eps] of [1e-1, 1e-2, 1e-3].entries()) {
        const fd = tf.tidy(() => {
          const plus = grad(safe, tf.add(x, tf.mul(eps, v)) as TF.Tensor1D);
          const minus = grad(safe, tf.sub(x, tf.mul(eps, v)) as TF.Tensor1D);
          return tf.div(tf.sub(plus, minus), 2 * eps);
        });
        rows.push({ method: `finite differences, ε = ${eps}`, error: relError(await fd.data()) });
        fd.dispose();
        render(view, rows);
        progress((2 + k) / (steps + 1), `finite differences, ε = ${eps}`);
        await tick();
      }

      let plainRow: Row;
      try {
        const plain = tf.tidy(() =>
          tf.grad((w: TF.Tensor) =>
            tf.sum(tf.mul(tf.grad((u: TF.Tensor) => tf.sum(tf.mul(u, tf.tanh(u))))(w), v)),
          )(x),
        );
        plainRow = { method: 'double backprop through tf.tanh', error: relError(await plain.data()) };
        plain.dispose();
      } catch (error) {
        plainRow = {
          method: 'double backprop through tf.tanh',
          error: `fails: ${error instanceof Error ? error.message : String(error)}`,
        };
      }
      rows.push(plainRow);
      render(view, rows);
    } finally {
      x.dispose();
      v.dispose();
    }
    const hvpError = rows[0]?.error as number;
    return `hvp relative error ${hvpError.toExponential(1)} (float32 rounding); finite differences at best ${Math.min(
      ...rows.slice(1, 4).map((r) => r.error as number),
    ).toExponential(1)}`;
  },
});
