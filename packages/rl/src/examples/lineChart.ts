/**
 * A small SVG line chart for the live examples (return curves, residuals): linear or log-10 y axis,
 * lines broken at non-finite values, optional markers and a legend. Plain DOM; internal.
 */

const SVG = 'http://www.w3.org/2000/svg';

/** One curve: `y[i]` at `x[i]` (default x: 1, 2, 3, ...). */
export interface Series {
  y: ArrayLike<number>;
  x?: ArrayLike<number>;
  color: string;
  label?: string;
  /** SVG dash pattern, e.g. '4 3'. */
  dash?: string;
  /** Line width in px. Default: 1.8. */
  width?: number;
  /** Marker radius in px, 0 for none. Default: 0. */
  marker?: number;
  /** Draw the line. Default: true. */
  line?: boolean;
  opacity?: number;
}

export interface LineChart {
  root: HTMLElement;
  draw(series: readonly Series[], options?: { xMax?: number; yDomain?: readonly [number, number] }): void;
}

function niceTicks(lo: number, hi: number, count: number): number[] {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(+t.toPrecision(12));
  return ticks;
}

function tickLabel(v: number, log: boolean): string {
  if (log) return `1e${v}`;
  const a = Math.abs(v);
  if (a >= 1000) return `${(v / 1000).toFixed(a >= 10_000 ? 0 : 1)}k`;
  return String(+v.toPrecision(3));
}

/** A titled chart inside `parent`. */
export function createLineChart(
  parent: HTMLElement,
  options: { title: string; xLabel?: string; yLog?: boolean; width?: number; height?: number },
): LineChart {
  const { title, xLabel = '', yLog = false, width = 300, height = 180 } = options;
  const root = document.createElement('figure');
  root.className = 'chart';
  const heading = document.createElement('figcaption');
  heading.className = 'grid-title';
  heading.textContent = title;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', title);
  const legend = document.createElement('div');
  legend.className = 'legend';
  root.append(heading, svg, legend);
  parent.append(root);
  const m = { left: 40, right: 14, top: 8, bottom: 30 };
  const draw: LineChart['draw'] = (series, drawOptions = {}) => {
    const tf = (v: number) => (yLog ? Math.log10(v) : v);
    let xMax = drawOptions.xMax ?? 1;
    let yLo = Number.POSITIVE_INFINITY;
    let yHi = Number.NEGATIVE_INFINITY;
    for (const s of series) {
      for (let i = 0; i < s.y.length; i++) {
        const x = s.x ? (s.x[i] as number) : i + 1;
        if (drawOptions.xMax === undefined) xMax = Math.max(xMax, x);
        const y = tf(s.y[i] as number);
        if (!Number.isFinite(y)) continue;
        yLo = Math.min(yLo, y);
        yHi = Math.max(yHi, y);
      }
    }
    if (drawOptions.yDomain) [yLo, yHi] = drawOptions.yDomain.map(tf) as [number, number];
    if (!Number.isFinite(yLo)) [yLo, yHi] = [0, 1];
    if (yHi - yLo < 1e-12) [yLo, yHi] = [yLo - 1, yHi + 1];
    if (yLog) [yLo, yHi] = [Math.floor(yLo), Math.ceil(yHi)];
    const px = (x: number) => m.left + ((x - 0) / xMax) * (width - m.left - m.right);
    const py = (y: number) => height - m.bottom - ((y - yLo) / (yHi - yLo)) * (height - m.top - m.bottom);
    const parts: string[] = [];
    const yTicks = yLog ? niceTicks(yLo, yHi, 4).filter((t) => Number.isInteger(t)) : niceTicks(yLo, yHi, 4);
    for (const t of yTicks) {
      parts.push(
        `<line x1="${m.left}" x2="${width - m.right}" y1="${py(t)}" y2="${py(t)}" class="gridline"/>`,
        `<text x="${m.left - 4}" y="${py(t) + 3}" text-anchor="end" class="tick">${tickLabel(t, yLog)}</text>`,
      );
    }
    for (const t of niceTicks(0, xMax, 4)) {
      parts.push(
        `<text x="${px(t)}" y="${height - m.bottom + 12}" text-anchor="middle" class="tick">${tickLabel(t, false)}</text>`,
      );
    }
    parts.push(
      `<line x1="${m.left}" x2="${width - m.right}" y1="${height - m.bottom}" y2="${height - m.bottom}" class="axis"/>`,
      `<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${height - m.bottom}" class="axis"/>`,
      `<text x="${(m.left + width - m.right) / 2}" y="${height - 3}" text-anchor="middle" class="tick">${xLabel}</text>`,
    );
    for (const s of series) {
      const opacity = s.opacity ?? 1;
      const points: string[] = [];
      const flush = () => {
        if (points.length > 1 && s.line !== false) {
          parts.push(
            `<polyline points="${points.join(' ')}" fill="none" stroke="${s.color}" stroke-width="${s.width ?? 1.8}" opacity="${opacity}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`,
          );
        }
        points.length = 0;
      };
      for (let i = 0; i < s.y.length; i++) {
        const x = s.x ? (s.x[i] as number) : i + 1;
        const y = tf(s.y[i] as number);
        if (!Number.isFinite(y)) {
          flush();
          continue;
        }
        const yc = Math.min(Math.max(y, yLo), yHi);
        points.push(`${px(x).toFixed(1)},${py(yc).toFixed(1)}`);
        if (s.marker) {
          parts.push(
            `<circle cx="${px(x).toFixed(1)}" cy="${py(yc).toFixed(1)}" r="${s.marker}" fill="${s.color}" opacity="${opacity}"/>`,
          );
        }
      }
      flush();
    }
    svg.innerHTML = parts.join('');
    legend.replaceChildren(
      ...series
        .filter((s) => s.label)
        .map((s) => {
          const key = document.createElement('span');
          key.className = 'key';
          const swatch = document.createElement('i');
          swatch.style.borderTop = `2px ${s.dash ? 'dashed' : 'solid'} ${s.color}`;
          swatch.style.opacity = String(Math.max(0.5, s.opacity ?? 1));
          key.append(swatch, s.label as string);
          return key;
        }),
    );
  };
  return { root, draw };
}

/** CSS of the charts. */
export const chartCss = `
.chart { margin: 0; }
.chart svg { display: block; max-width: 100%; height: auto; font: 10px system-ui, sans-serif; }
.chart .gridline { stroke: #eaeef2; }
.chart .axis { stroke: #8c959f; }
.chart .tick { fill: #57606a; }
.chart .legend { display: flex; flex-wrap: wrap; gap: 2px 12px; font-size: 11px; max-width: 300px; }
.chart .key { display: inline-flex; align-items: center; gap: 4px; }
.chart .key i { display: inline-block; width: 16px; }
`;
