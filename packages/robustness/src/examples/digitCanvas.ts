/** Canvas and SVG drawing shared by the examples (internal, plain DOM). */

/** A square grayscale image (values in [0, 1], dark ink on white) drawn at `px` CSS pixels. */
export function grayCanvas(pixels: ArrayLike<number>, side: number, px: number): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = side;
  canvas.height = side;
  canvas.style.width = `${px}px`;
  canvas.style.height = `${px}px`;
  canvas.style.imageRendering = 'pixelated';
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  const image = ctx.createImageData(side, side);
  for (let i = 0; i < side * side; i++) {
    const v = 255 - Math.round(255 * Math.min(1, Math.max(0, pixels[i] as number)));
    image.data[4 * i] = v;
    image.data[4 * i + 1] = v;
    image.data[4 * i + 2] = v;
    image.data[4 * i + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
  return canvas;
}

/**
 * A signed image on a diverging scale: red where the value is positive, blue where negative, white at
 * zero, full colour at |value| = `scale`.
 */
export function signedCanvas(
  values: ArrayLike<number>,
  side: number,
  px: number,
  scale: number,
): HTMLCanvasElement {
  const canvas = grayCanvas(new Float32Array(side * side), side, px);
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  const image = ctx.createImageData(side, side);
  for (let i = 0; i < side * side; i++) {
    const t = scale > 0 ? Math.max(-1, Math.min(1, (values[i] as number) / scale)) : 0;
    const fade = Math.round(255 * (1 - Math.abs(t)));
    image.data[4 * i] = t >= 0 ? 255 : fade;
    image.data[4 * i + 1] = fade;
    image.data[4 * i + 2] = t <= 0 ? 255 : fade;
    image.data[4 * i + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
  return canvas;
}

/** An element with class `cls` and optional text. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  cls?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Ten horizontal bars (class probabilities) with the classes `marks` highlighted. */
export function probabilityBars(probs: ArrayLike<number>, highlight: number, colour: string): HTMLElement {
  const box = el('div', 'rb-bars');
  for (let c = 0; c < probs.length; c++) {
    const row = el('div', 'rb-bar-row');
    const bar = el('span', 'rb-bar');
    const p = probs[c] as number;
    bar.style.width = `${Math.max(1, Math.round(80 * p))}px`;
    bar.style.background = c === highlight ? colour : 'var(--dlf-example-muted, #8c959f)';
    row.append(
      el('span', 'rb-bar-label', String(c)),
      bar,
      el('span', 'rb-bar-value', `${(100 * p).toFixed(0)}%`),
    );
    box.append(row);
  }
  return box;
}

export interface Series {
  label: string;
  colour: string;
  x: number[];
  y: number[];
  dashed?: boolean;
}

/**
 * A line chart (SVG) of several series on shared axes, y in [0, `yMax`] (default 1), with an HTML
 * legend below it.
 */
export function lineChart(
  series: readonly Series[],
  options: {
    width?: number;
    height?: number;
    xLabel: string;
    yLabel: string;
    yMax?: number;
    xTicks?: number[];
  },
): HTMLElement {
  const ns = 'http://www.w3.org/2000/svg';
  const w = options.width ?? 340;
  const h = options.height ?? 200;
  const m = { l: 46, r: 12, t: 10, b: 34 };
  const xs = series.flatMap((s) => s.x);
  const xMin = Math.min(...xs, 0);
  const xMax = Math.max(...xs, 1e-9);
  const yMax = options.yMax ?? 1;
  const px = (x: number) => m.l + ((x - xMin) / (xMax - xMin || 1)) * (w - m.l - m.r);
  const py = (y: number) => h - m.b - (y / yMax) * (h - m.t - m.b);
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('width', String(w));
  svg.setAttribute('height', String(h));
  svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
  svg.setAttribute('class', 'rb-chart');
  const add = (tag: string, attrs: Record<string, string | number>, text?: string) => {
    const node = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    svg.append(node);
    return node;
  };
  const dash = (s: Series): Record<string, string> => (s.dashed ? { 'stroke-dasharray': '5 3' } : {});
  add('rect', { x: 0, y: 0, width: w, height: h, fill: '#ffffff' });
  for (let i = 0; i <= 4; i++) {
    const y = (yMax * i) / 4;
    add('line', { x1: m.l, x2: w - m.r, y1: py(y), y2: py(y), stroke: '#d0d7de', 'stroke-width': 1 });
    add(
      'text',
      { x: m.l - 4, y: py(y) + 4, 'text-anchor': 'end', 'font-size': 10, fill: '#57606a' },
      y.toFixed(2),
    );
  }
  const xTicks = options.xTicks ?? Array.from({ length: 5 }, (_, i) => xMin + ((xMax - xMin) * i) / 4);
  for (const x of xTicks) {
    add(
      'text',
      { x: px(x), y: h - m.b + 14, 'text-anchor': 'middle', 'font-size': 10, fill: '#57606a' },
      String(Number(x.toFixed(3))),
    );
  }
  add(
    'text',
    { x: (m.l + w - m.r) / 2, y: h - 4, 'text-anchor': 'middle', 'font-size': 11, fill: '#24292f' },
    options.xLabel,
  );
  const mid = (m.t + h - m.b) / 2;
  add(
    'text',
    {
      x: 11,
      y: mid,
      'text-anchor': 'middle',
      'font-size': 11,
      fill: '#24292f',
      transform: `rotate(-90 11 ${mid})`,
    },
    options.yLabel,
  );
  for (const s of series) {
    const d = s.x
      .map((x, i) => `${i === 0 ? 'M' : 'L'}${px(x).toFixed(1)},${py(s.y[i] as number).toFixed(1)}`)
      .join('');
    add('path', { d, fill: 'none', stroke: s.colour, 'stroke-width': 2, ...dash(s) });
    s.x.forEach((x, i) => {
      add('circle', { cx: px(x), cy: py(s.y[i] as number), r: 2.5, fill: s.colour });
    });
  }
  const legend = el('div', 'rb-legend');
  for (const s of series) {
    const item = el('span', 'rb-legend-item');
    const swatch = el('span', 'rb-swatch');
    swatch.style.borderTop = `2px ${s.dashed ? 'dashed' : 'solid'} ${s.colour}`;
    item.append(swatch, document.createTextNode(s.label));
    legend.append(item);
  }
  const box = el('div', 'rb-chart-box');
  box.append(svg, legend);
  return box;
}

/** CSS shared by the examples (scoped to each example's shadow root). */
export const robustnessCss = `
.rb-row { display: flex; flex-wrap: wrap; gap: 14px; align-items: flex-start; }
.rb-panel { display: flex; flex-direction: column; align-items: center; gap: 4px; font-size: 12px; }
.rb-panel canvas { border: 1px solid var(--dlf-example-border, #d0d7de); border-radius: 3px; }
.rb-caption { font-size: 12px; text-align: center; font-variant-numeric: tabular-nums; }
.rb-muted { color: var(--dlf-example-muted, #57606a); }
.rb-ok { color: var(--dlf-example-accent, #2e8555); font-weight: 600; }
.rb-bad { color: #cf222e; font-weight: 600; }
.rb-controls { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; margin: 8px 0; font-size: 13px; }
.rb-controls input[type=range] { width: 160px; }
.rb-bars { display: flex; flex-direction: column; gap: 1px; font-size: 10px; font-variant-numeric: tabular-nums; }
.rb-bar-row { display: flex; align-items: center; gap: 4px; height: 11px; }
.rb-bar-label { width: 10px; text-align: right; }
.rb-bar { display: inline-block; height: 8px; border-radius: 2px; }
.rb-bar-value { width: 30px; color: var(--dlf-example-muted, #57606a); }
.rb-grid { display: grid; gap: 4px; }
.rb-table { border-collapse: collapse; font-size: 12px; font-variant-numeric: tabular-nums; }
.rb-table td, .rb-table th { padding: 2px 8px; border-bottom: 1px solid var(--dlf-example-border, #d0d7de); text-align: right; }
.rb-table th:first-child, .rb-table td:first-child { text-align: left; }
  .rb-chart-box { display: flex; flex-direction: column; gap: 4px; }
.rb-legend { display: flex; flex-wrap: wrap; gap: 4px 12px; font-size: 11px; max-width: 340px; }
.rb-legend-item { display: inline-flex; align-items: center; gap: 4px; }
.rb-swatch { display: inline-block; width: 18px; height: 0; }
.rb-chart { border: 1px solid var(--dlf-example-border, #d0d7de); border-radius: 4px; }
`;
