/**
 * Plain canvas and DOM helpers shared by the examples of `@dlf/selfsup` (no tfjs, no package code):
 * class colours, digit images, a titled canvas panel, a few-label subset and a note line.
 */

/** Ten distinguishable colours, one per digit class (the Tableau 10 palette). */
export const CLASS_COLORS = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
] as const;

/** The examples' shared stylesheet (scoped to each example's shadow root). */
export const figureCss = `
.ss-row { display: flex; flex-wrap: wrap; gap: 14px; align-items: flex-start; }
.ss-panel { display: flex; flex-direction: column; gap: 4px; }
.ss-panel canvas { border: 1px solid var(--dlf-example-border, #d0d7de); border-radius: 4px; background: #ffffff; }
.ss-caption { font-size: 12px; color: var(--dlf-example-muted, #57606a); }
.ss-note { font-size: 13px; margin: 8px 0 0; font-variant-numeric: tabular-nums; }
.ss-legend { display: flex; flex-wrap: wrap; gap: 4px 10px; font-size: 12px; }
.ss-legend span { display: inline-flex; align-items: center; gap: 4px; }
.ss-legend i { display: inline-block; width: 10px; height: 10px; border-radius: 50%; }
.ss-table { border-collapse: collapse; font-size: 13px; font-variant-numeric: tabular-nums; }
.ss-table th, .ss-table td { padding: 2px 8px; border-bottom: 1px solid var(--dlf-example-border, #d0d7de); text-align: right; }
.ss-table th:first-child, .ss-table td:first-child { text-align: left; }
.ss-digits { display: flex; flex-wrap: wrap; gap: 6px; }
.ss-digit { display: flex; flex-direction: column; align-items: center; font-size: 11px; }
.ss-digit canvas { width: 32px; height: 32px; image-rendering: pixelated; border-radius: 3px; }
.ss-pad { touch-action: none; cursor: crosshair; }
.ss-bars { display: grid; grid-template-columns: 14px 120px 44px; gap: 2px 6px; align-items: center; font-size: 12px; font-variant-numeric: tabular-nums; }
.ss-bar { height: 10px; background: var(--dlf-example-accent, #2e8555); border-radius: 2px; }
.ss-bar.top { background: #d62728; }
button.ss-button { margin-top: 4px; align-self: flex-start; }
`;

/** A canvas of `width` x `height` CSS pixels with a caption under it, appended to `parent`. */
export function panel(
  parent: HTMLElement,
  width: number,
  height: number,
  caption: string,
): { canvas: HTMLCanvasElement; ctx: CanvasRenderingContext2D; caption: HTMLElement } {
  const box = document.createElement('div');
  box.className = 'ss-panel';
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const text = document.createElement('div');
  text.className = 'ss-caption';
  text.textContent = caption;
  box.append(canvas, text);
  parent.append(box);
  return { canvas, ctx: canvas.getContext('2d') as CanvasRenderingContext2D, caption: text };
}

/** A paragraph with class `ss-note` (or `className`) appended to `parent`. */
export function note(parent: HTMLElement, text: string, className = 'ss-note'): HTMLElement {
  const p = document.createElement('p');
  p.className = className;
  p.textContent = text;
  parent.append(p);
  return p;
}

/** A legend of the ten digit classes and their colours. */
export function classLegend(parent: HTMLElement): HTMLElement {
  const box = document.createElement('div');
  box.className = 'ss-legend';
  CLASS_COLORS.forEach((color, c) => {
    const item = document.createElement('span');
    const dot = document.createElement('i');
    dot.style.background = color;
    item.append(dot, String(c));
    box.append(item);
  });
  parent.append(box);
  return box;
}

/** A `side` x `side` grey-scale image (values in [0, 1], ink dark) as a canvas, `pixels[offset..]`. */
export function digitCanvas(pixels: ArrayLike<number>, offset: number, side: number): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = side;
  canvas.height = side;
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  const image = ctx.createImageData(side, side);
  for (let i = 0; i < side * side; i++) {
    const v = 255 - Math.round(255 * Math.min(1, Math.max(0, pixels[offset + i] as number)));
    image.data[4 * i] = v;
    image.data[4 * i + 1] = v;
    image.data[4 * i + 2] = v;
    image.data[4 * i + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
  return canvas;
}

/** Plain-array view of a labelled set (the fields `balancedIndices` reads). */
export interface LabelledArrays {
  y: ArrayLike<number>;
  n: number;
}

/**
 * Indices of `perClass` examples of each of the classes `0..numClasses-1`, chosen by a seeded
 * shuffle (`shuffle` is the runtime's `createRng(seed).shuffle`), in class order.
 */
export function balancedIndices(
  data: LabelledArrays,
  perClass: number,
  numClasses: number,
  shuffle: (a: number[]) => number[],
): number[] {
  const picked: number[] = [];
  for (let c = 0; c < numClasses; c++) {
    const idx: number[] = [];
    for (let i = 0; i < data.n; i++) if (data.y[i] === c) idx.push(i);
    picked.push(...shuffle(idx).slice(0, perClass));
  }
  return picked;
}

/** Rows `indices` of a row-major `[n, d]` array, as a new array `[indices.length, d]`. */
export function takeRows(x: ArrayLike<number>, d: number, indices: readonly number[]): Float32Array {
  const out = new Float32Array(indices.length * d);
  indices.forEach((i, k) => {
    for (let j = 0; j < d; j++) out[k * d + j] = x[i * d + j] as number;
  });
  return out;
}
