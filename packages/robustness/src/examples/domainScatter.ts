/**
 * Canvas drawing for the domain-adaptation example (internal, plain canvas 2D, no tfjs): points of two
 * classes from two domains, source filled and target hollow, over an optional probability field.
 */

/** Points of one domain: `[x0, y0, x1, y1, ...]` with class labels 0 or 1. */
export interface DomainPoints {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Source points are filled discs, target points rings. */
  hollow: boolean;
}

/** A probability field P(class 1) on a `width` x `height` grid over the drawn region, top row first. */
export interface Field {
  probs: ArrayLike<number>;
  width: number;
  height: number;
}

export type Bounds = readonly [number, number, number, number];

const CLASS_RGB: readonly (readonly [number, number, number])[] = [
  [31, 119, 180],
  [230, 120, 20],
];

/** A canvas of `width` x `height` CSS pixels (sharp on high-density screens). */
export function plotCanvas(width: number, height: number, label: string): HTMLCanvasElement {
  const dpr = Math.min(2, globalThis.devicePixelRatio || 1);
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  canvas.style.width = `${width}px`;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  return canvas;
}

/** The smallest box holding every point of `sets`, widened by `pad` of its size on each side. */
export function boundsOf(sets: readonly ArrayLike<number>[], pad = 0.08): Bounds {
  let xmin = Number.POSITIVE_INFINITY;
  let xmax = Number.NEGATIVE_INFINITY;
  let ymin = Number.POSITIVE_INFINITY;
  let ymax = Number.NEGATIVE_INFINITY;
  for (const pts of sets) {
    for (let i = 0; i + 1 < pts.length; i += 2) {
      const px = pts[i] as number;
      const py = pts[i + 1] as number;
      if (px < xmin) xmin = px;
      if (px > xmax) xmax = px;
      if (py < ymin) ymin = py;
      if (py > ymax) ymax = py;
    }
  }
  if (!Number.isFinite(xmin)) return [-1, 1, -1, 1];
  const dx = Math.max(xmax - xmin, 1e-6) * pad;
  const dy = Math.max(ymax - ymin, 1e-6) * pad;
  return [xmin - dx, xmax + dx, ymin - dy, ymax + dy];
}

/** The centres of a `width` x `height` grid over `bounds`, row-major, top row first. */
export function gridPoints(bounds: Bounds, width: number, height: number): Float32Array {
  const [xmin, xmax, ymin, ymax] = bounds;
  const grid = new Float32Array(width * height * 2);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const i = r * width + c;
      grid[2 * i] = xmin + ((c + 0.5) / width) * (xmax - xmin);
      grid[2 * i + 1] = ymax - ((r + 0.5) / height) * (ymax - ymin);
    }
  }
  return grid;
}

/** Draws the field (if any), its 0.5 level set, then the points of each domain. */
export function drawDomains(
  canvas: HTMLCanvasElement,
  bounds: Bounds,
  domains: readonly DomainPoints[],
  field?: Field,
): void {
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  const { width: w, height: h } = canvas;
  const [xmin, xmax, ymin, ymax] = bounds;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, w, h);
  if (field) {
    const off = document.createElement('canvas');
    off.width = field.width;
    off.height = field.height;
    const offCtx = off.getContext('2d') as CanvasRenderingContext2D;
    const image = offCtx.createImageData(field.width, field.height);
    for (let i = 0; i < field.width * field.height; i++) {
      const p = Math.min(1, Math.max(0, field.probs[i] ?? 0.5));
      const strength = 0.12 + 0.25 * Math.abs(2 * p - 1);
      const base = CLASS_RGB[p >= 0.5 ? 1 : 0] as readonly [number, number, number];
      for (let k = 0; k < 3; k++)
        image.data[4 * i + k] = Math.round(255 - strength * (255 - (base[k] as number)));
      image.data[4 * i + 3] = 255;
    }
    offCtx.putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(off, 0, 0, w, h);
    ctx.fillStyle = 'rgba(40, 40, 40, 0.85)';
    const cw = w / field.width;
    const ch = h / field.height;
    for (let r = 0; r + 1 < field.height; r++) {
      for (let c = 0; c + 1 < field.width; c++) {
        const a = (field.probs[r * field.width + c] ?? 0) >= 0.5;
        const b = (field.probs[r * field.width + c + 1] ?? 0) >= 0.5;
        const d = (field.probs[(r + 1) * field.width + c] ?? 0) >= 0.5;
        if (a !== b || a !== d)
          ctx.fillRect((c + 0.5) * cw, (r + 0.5) * ch, Math.max(1.5, cw / 2), Math.max(1.5, ch / 2));
      }
    }
  }
  const dpr = w / Number.parseFloat(canvas.style.width || String(w));
  const radius = 2.6 * dpr;
  for (const { x, y, hollow } of domains) {
    ctx.lineWidth = (hollow ? 1.4 : 0.8) * dpr;
    for (let i = 0; i < y.length; i++) {
      const px = (((x[2 * i] as number) - xmin) / (xmax - xmin)) * w;
      const py = ((ymax - (x[2 * i + 1] as number)) / (ymax - ymin)) * h;
      const rgb = CLASS_RGB[(y[i] as number) === 1 ? 1 : 0] as readonly [number, number, number];
      const colour = `rgb(${rgb[0]}, ${rgb[1]}, ${rgb[2]})`;
      ctx.beginPath();
      ctx.arc(px, py, radius, 0, 2 * Math.PI);
      if (hollow) {
        ctx.strokeStyle = colour;
        ctx.stroke();
      } else {
        ctx.fillStyle = colour;
        ctx.fill();
        ctx.strokeStyle = '#ffffff';
        ctx.stroke();
      }
    }
  }
}

/**
 * Projection of `n` rows of `d` features onto their first two principal axes (centred; power
 * iteration with deflation on the d x d covariance, float64, a fixed start so it is deterministic).
 * Returns `[u0, v0, u1, v1, ...]`.
 */
export function pca2(rows: ArrayLike<number>, n: number, d: number): Float32Array {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + (rows[i * d + j] as number) / n;
  const cov = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const va = (rows[i * d + a] as number) - (mean[a] as number);
      for (let b = 0; b < d; b++) {
        cov[a * d + b] =
          (cov[a * d + b] as number) + (va * ((rows[i * d + b] as number) - (mean[b] as number))) / n;
      }
    }
  }
  const axes: Float64Array[] = [];
  for (let k = 0; k < 2; k++) {
    let v = Float64Array.from({ length: d }, (_, j) => 1 + j / d + k);
    for (let it = 0; it < 200; it++) {
      for (const u of axes) {
        let dot = 0;
        for (let j = 0; j < d; j++) dot += (u[j] as number) * (v[j] as number);
        for (let j = 0; j < d; j++) v[j] = (v[j] as number) - dot * (u[j] as number);
      }
      const next = new Float64Array(d);
      for (let a = 0; a < d; a++) {
        let s = 0;
        for (let b = 0; b < d; b++) s += (cov[a * d + b] as number) * (v[b] as number);
        next[a] = s;
      }
      let norm = 0;
      for (const value of next) norm += value * value;
      norm = Math.sqrt(norm);
      if (norm < 1e-12) break;
      v = next.map((value) => value / norm);
    }
    axes.push(v);
  }
  const out = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 2; k++) {
      let s = 0;
      for (let j = 0; j < d; j++)
        s += ((rows[i * d + j] as number) - (mean[j] as number)) * ((axes[k] as Float64Array)[j] as number);
      out[2 * i + k] = s;
    }
  }
  return out;
}
