/**
 * A small SVG chart for the live examples: linear or log axes, lines (broken at non-finite values)
 * and markers, a legend. Plain DOM, no tfjs; internal to the examples.
 */

const SVG = 'http://www.w3.org/2000/svg';

/** One curve or point set of a {@link Chart}. */
export interface Series {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  color: string;
  /** Shown in the legend when given. */
  label?: string;
  /** Draw a polyline through the points. Default: true. */
  line?: boolean;
  /** SVG dash pattern of the line, e.g. '5 3'. */
  dash?: string;
  /** Line width in px. Default: 2. */
  width?: number;
  /** Marker radius in px; 0 for none. Default: 0. */
  marker?: number;
  /** Opacity of the line and markers. Default: 1. */
  opacity?: number;
}

/** A segment or arrow in data coordinates, drawn on top of the series. */
export interface Arrow {
  from: readonly [number, number];
  to: readonly [number, number];
  color: string;
  width?: number;
  dash?: string;
  /** Arrow head at `to`. Default: true. */
  head?: boolean;
}

export interface ChartOptions {
  /** CSS pixels. Defaults: 340 by 240. */
  width?: number;
  height?: number;
  xLabel?: string;
  yLabel?: string;
  /** Log-10 axes. Default: false. */
  xLog?: boolean;
  yLog?: boolean;
  /** Fixed domains; default: the range of the data drawn (finite values, positive on log axes). */
  xDomain?: readonly [number, number];
  yDomain?: readonly [number, number];
  /** Accessible description of the figure. */
  ariaLabel?: string;
  /** Corner of the legend. Default: 'top-right'. */
  legend?: 'top-right' | 'bottom-right';
}

export interface Chart {
  svg: SVGSVGElement;
  /** Redraws the axes and every series (and arrows) from scratch. */
  draw(series: readonly Series[], arrows?: readonly Arrow[]): void;
}

function el<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  parent?: Element,
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  parent?.append(node);
  return node;
}

/** Ticks at 1, 2, 5 times powers of ten for a linear axis. */
function linearTicks(lo: number, hi: number, count = 5): number[] {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => span / s <= count) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * span; v += step)
    out.push(Math.abs(v) < 1e-12 * step ? 0 : v);
  return out;
}

/** Ticks at powers of ten (every k-th decade when there are many) for a log axis, in log10 units. */
function logTicks(lo: number, hi: number): number[] {
  const first = Math.ceil(lo - 1e-9);
  const last = Math.floor(hi + 1e-9);
  const decades = last - first + 1;
  if (decades < 2) {
    // Less than a decade: 1, 2, 5 times powers of ten inside the range.
    const out: number[] = [];
    for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) {
      for (const f of [1, 2, 5]) {
        const v = e + Math.log10(f);
        if (v >= lo - 1e-9 && v <= hi + 1e-9) out.push(v);
      }
    }
    return out;
  }
  const every = Math.max(1, Math.ceil(decades / 6));
  const out: number[] = [];
  for (let e = first; e <= last; e++) if ((e - first) % every === 0) out.push(e);
  return out;
}

function formatTick(v: number, log: boolean): string {
  if (log) {
    const value = 10 ** v;
    if (v >= -2 && v <= 4) return String(Number(value.toPrecision(2)));
    return `1e${Math.round(v)}`;
  }
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-2) return v.toExponential(0);
  return String(Number(v.toPrecision(3)));
}

function range(values: number[], fallback: [number, number]): [number, number] {
  if (values.length === 0) return fallback;
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  return [lo, hi];
}

/**
 * Creates an empty chart in `container` (appended) and returns it; `draw` renders series into it.
 */
export function createChart(container: HTMLElement, options: ChartOptions = {}): Chart {
  const { width = 340, height = 240, xLog = false, yLog = false } = options;
  const margin = { left: 52, right: 10, top: 10, bottom: 38 };
  const svg = el('svg', {
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: 'img',
    'aria-label': options.ariaLabel ?? `${options.yLabel ?? 'y'} against ${options.xLabel ?? 'x'}`,
  });
  svg.style.maxWidth = '100%';
  svg.style.height = 'auto';
  svg.style.display = 'block';
  svg.style.fontSize = '11px';
  svg.style.fontFamily = 'inherit';
  container.append(svg);
  const clipId = `dlf-clip-${Math.random().toString(36).slice(2)}`;
  const pw = width - margin.left - margin.right;
  const ph = height - margin.top - margin.bottom;

  const draw = (series: readonly Series[], arrows: readonly Arrow[] = []) => {
    svg.replaceChildren();
    const tx = (v: number) => (xLog ? (v > 0 ? Math.log10(v) : Number.NaN) : v);
    const ty = (v: number) => (yLog ? (v > 0 ? Math.log10(v) : Number.NaN) : v);
    const xs: number[] = [];
    const ys: number[] = [];
    for (const s of series) {
      for (let i = 0; i < s.x.length; i++) {
        const a = tx(s.x[i] as number);
        const b = ty(s.y[i] as number);
        if (Number.isFinite(a) && Number.isFinite(b)) {
          xs.push(a);
          ys.push(b);
        }
      }
    }
    for (const a of arrows) {
      for (const p of [a.from, a.to]) {
        xs.push(tx(p[0]));
        ys.push(ty(p[1]));
      }
    }
    const [x0, x1] = options.xDomain
      ? [tx(options.xDomain[0]), tx(options.xDomain[1])]
      : range(xs.filter(Number.isFinite), [0, 1]);
    let [y0, y1] = options.yDomain
      ? [ty(options.yDomain[0]), ty(options.yDomain[1])]
      : range(ys.filter(Number.isFinite), [0, 1]);
    if (!options.yDomain) {
      const pad = 0.05 * (y1 - y0);
      y0 -= pad;
      y1 += pad;
    }
    const px = (v: number) => margin.left + ((v - x0) / (x1 - x0)) * pw;
    const py = (v: number) => margin.top + (1 - (v - y0) / (y1 - y0)) * ph;

    const defs = el('defs', {}, svg);
    const clip = el('clipPath', { id: clipId }, defs);
    el('rect', { x: margin.left, y: margin.top, width: pw, height: ph }, clip);

    // Grid, ticks and labels.
    const axis = el('g', { fill: 'currentColor' }, svg);
    for (const t of xLog ? logTicks(x0, x1) : linearTicks(x0, x1)) {
      const x = px(t);
      el(
        'line',
        { x1: x, x2: x, y1: margin.top, y2: margin.top + ph, stroke: '#d0d7de', 'stroke-width': 0.6 },
        axis,
      );
      const label = el('text', { x, y: margin.top + ph + 13, 'text-anchor': 'middle' }, axis);
      label.textContent = formatTick(t, xLog);
    }
    for (const t of yLog ? logTicks(y0, y1) : linearTicks(y0, y1)) {
      const y = py(t);
      el(
        'line',
        { x1: margin.left, x2: margin.left + pw, y1: y, y2: y, stroke: '#d0d7de', 'stroke-width': 0.6 },
        axis,
      );
      const label = el('text', { x: margin.left - 4, y: y + 3.5, 'text-anchor': 'end' }, axis);
      label.textContent = formatTick(t, yLog);
    }
    el(
      'rect',
      { x: margin.left, y: margin.top, width: pw, height: ph, fill: 'none', stroke: '#8c959f' },
      axis,
    );
    if (options.xLabel) {
      const t = el('text', { x: margin.left + pw / 2, y: height - 6, 'text-anchor': 'middle' }, axis);
      t.textContent = options.xLabel;
    }
    if (options.yLabel) {
      const t = el(
        'text',
        {
          x: 0,
          y: 0,
          'text-anchor': 'middle',
          transform: `translate(12 ${margin.top + ph / 2}) rotate(-90)`,
        },
        axis,
      );
      t.textContent = options.yLabel;
    }

    const plot = el('g', { 'clip-path': `url(#${clipId})` }, svg);
    for (const s of series) {
      const pts: [number, number][] = [];
      const segments: [number, number][][] = [];
      for (let i = 0; i < s.x.length; i++) {
        const a = tx(s.x[i] as number);
        const b = ty(s.y[i] as number);
        if (Number.isFinite(a) && Number.isFinite(b)) pts.push([px(a), py(b)]);
        else if (pts.length > 0) segments.push(pts.splice(0));
      }
      if (pts.length > 0) segments.push(pts);
      const g = el('g', { opacity: s.opacity ?? 1 }, plot);
      if (s.line !== false) {
        for (const seg of segments) {
          if (seg.length < 2) continue;
          const attrs: Record<string, string | number> = {
            points: seg.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(' '),
            fill: 'none',
            stroke: s.color,
            'stroke-width': s.width ?? 2,
            'stroke-linejoin': 'round',
          };
          if (s.dash) attrs['stroke-dasharray'] = s.dash;
          el('polyline', attrs, g);
        }
      }
      if ((s.marker ?? 0) > 0) {
        for (const seg of segments) {
          for (const [a, b] of seg) {
            el(
              'circle',
              {
                cx: a.toFixed(1),
                cy: b.toFixed(1),
                r: s.marker ?? 0,
                fill: s.color,
                style: 'stroke: var(--dlf-example-bg, #ffffff)',
                'stroke-width': 0.7,
              },
              g,
            );
          }
        }
      }
    }
    for (const a of arrows) {
      const [fx, fy] = [px(tx(a.from[0])), py(ty(a.from[1]))];
      const [bx, by] = [px(tx(a.to[0])), py(ty(a.to[1]))];
      const attrs: Record<string, string | number> = {
        x1: fx,
        y1: fy,
        x2: bx,
        y2: by,
        stroke: a.color,
        'stroke-width': a.width ?? 2,
        'stroke-linecap': 'round',
      };
      if (a.dash) attrs['stroke-dasharray'] = a.dash;
      el('line', attrs, plot);
      if (a.head !== false) {
        const angle = Math.atan2(by - fy, bx - fx);
        const size = 7;
        const p1 = [bx - size * Math.cos(angle - 0.4), by - size * Math.sin(angle - 0.4)];
        const p2 = [bx - size * Math.cos(angle + 0.4), by - size * Math.sin(angle + 0.4)];
        el('polygon', { points: `${bx},${by} ${p1[0]},${p1[1]} ${p2[0]},${p2[1]}`, fill: a.color }, plot);
      }
    }

    // Legend, in the corner chosen.
    const labelled = series.filter((s) => s.label);
    if (labelled.length > 0) {
      const legend = el('g', {}, svg);
      const lineH = 14;
      const boxW = Math.min(
        pw - 8,
        8 + Math.max(...labelled.map((s) => (s.label as string).length)) * 6 + 24,
      );
      const lx = margin.left + pw - boxW - 4;
      const boxH = labelled.length * lineH + 6;
      const ly = options.legend === 'bottom-right' ? margin.top + ph - boxH - 4 : margin.top + 4;
      el(
        'rect',
        {
          x: lx,
          y: ly,
          width: boxW,
          height: boxH,
          style: 'fill: var(--dlf-example-bg, #ffffff)',
          opacity: 0.85,
          rx: 3,
        },
        legend,
      );
      labelled.forEach((s, i) => {
        const y = ly + 10 + i * lineH;
        if (s.line !== false) {
          const attrs: Record<string, string | number> = {
            x1: lx + 5,
            x2: lx + 21,
            y1: y,
            y2: y,
            stroke: s.color,
            'stroke-width': 2,
          };
          if (s.dash) attrs['stroke-dasharray'] = s.dash;
          el('line', attrs, legend);
        }
        if ((s.marker ?? 0) > 0) el('circle', { cx: lx + 13, cy: y, r: 3, fill: s.color }, legend);
        const t = el('text', { x: lx + 25, y: y + 3.5, fill: 'currentColor' }, legend);
        t.textContent = s.label as string;
      });
    }
  };
  draw([]);
  return { svg, draw };
}

/** Colours shared by the examples (colour-blind-friendly, Okabe-Ito). */
export const COLORS = {
  blue: '#0072b2',
  orange: '#e69f00',
  green: '#009e73',
  red: '#d55e00',
  purple: '#cc79a7',
  sky: '#56b4e9',
  grey: '#6e7781',
  /** The text colour of the example (dark on light themes, light on dark ones). */
  black: 'currentColor',
} as const;

/** Shared CSS of the examples: a row of figures and a caption. */
export const figureCss = `
.ot-row { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }
.ot-row > svg { flex: 1 1 300px; }
.ot-note { margin: 6px 0 0; font-size: 12px; color: var(--dlf-example-muted, #57606a); }
.ot-stats { margin: 6px 0 0; font-size: 13px; font-variant-numeric: tabular-nums; }
`;

/** Appends a caption paragraph to `view` and returns it. */
export function note(view: HTMLElement, text: string, className = 'ot-note'): HTMLParagraphElement {
  const p = document.createElement('p');
  p.className = className;
  p.textContent = text;
  view.append(p);
  return p;
}

/** A flex row for figures side by side. */
export function row(view: HTMLElement): HTMLDivElement {
  const div = document.createElement('div');
  div.className = 'ot-row';
  view.append(div);
  return div;
}
