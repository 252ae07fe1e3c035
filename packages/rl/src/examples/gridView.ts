/**
 * Drawing and editing of grid worlds for the live examples: an SVG panel that shows a layout with
 * values as colours and numbers, greedy arrows, visit heat, an agent and its trail; and the pure
 * editing rules of the layout. Plain DOM, no tfjs, no package code; internal to the examples.
 */

const SVG = 'http://www.w3.org/2000/svg';

/** The grid every grid example starts from: 5 x 7, start top left, goal G (+1) and pit H (-1). */
export const DEFAULT_LAYOUT: readonly string[] = Object.freeze([
  'S....#.',
  '.##.#..',
  '...#..H',
  '.#.....',
  '...#.#G',
]);

/** What a click paints: a wall, the goal, the pit, a start cell, or an empty cell. */
export type Paint = 'wall' | 'goal' | 'pit' | 'start' | 'empty';

const PAINT_CHAR: Readonly<Record<Paint, string>> = {
  wall: '#',
  goal: 'G',
  pit: 'H',
  start: 'S',
  empty: '.',
};

/**
 * The layout after painting cell (row, col): painting a cell with what it already holds clears it
 * ('.'), so a click toggles. Returns the same array when the edit is refused: the last start cell
 * is never removed (a grid world needs one), and positions outside the grid are ignored.
 */
export function editLayout(
  layout: readonly string[],
  row: number,
  col: number,
  paint: Paint,
): readonly string[] {
  const line = layout[row];
  if (line === undefined || col < 0 || col >= line.length) return layout;
  const current = line[col] as string;
  const wanted = PAINT_CHAR[paint];
  const next = current === wanted ? '.' : wanted;
  if (next === current) return layout;
  if (current === 'S' && layout.join('').split('S').length - 1 === 1) return layout;
  const edited = [...layout];
  edited[row] = line.slice(0, col) + next + line.slice(col + 1);
  return edited;
}

/** What one panel shows. Arrays are indexed by state `row * cols + col`. */
export interface GridFrame {
  layout: readonly string[];
  /** Values shown as colours (green positive, red negative, scaled by `scale`) and numbers. */
  values?: ArrayLike<number>;
  /** |value| drawn at full colour. Default: the largest |value| (at least 1e-9). */
  scale?: number;
  /** One action per state (0 left, 1 down, 2 right, 3 up), drawn as arrows on free cells. */
  policy?: ArrayLike<number>;
  /** Heat in [0, 1] per state (visit counts, normalised), drawn in blue when no values are given. */
  heat?: ArrayLike<number>;
  /** Numbers shown in cells with `heat` (visit counts). */
  counts?: ArrayLike<number>;
  /** States outlined in red (e.g. where a learned policy differs from the optimal one). */
  marked?: ArrayLike<number>;
  /** The agent's state, drawn as a dot. */
  agent?: number;
  /** States visited in order, drawn as a line. */
  trail?: readonly number[];
  /** Text under the grid. */
  caption?: string;
}

export interface GridPanel {
  root: HTMLElement;
  draw(frame: GridFrame): void;
}

const ARROWS: readonly (readonly [number, number])[] = [
  [-1, 0],
  [0, 1],
  [1, 0],
  [0, -1],
];

/** Cell colour of a value: white at 0, green for positive, red for negative values. */
export function valueColor(value: number, scale: number): string {
  const t = Math.min(1, Math.abs(value) / Math.max(scale, 1e-9));
  const [r, g, b] = value >= 0 ? [46, 133, 85] : [207, 34, 46];
  const mix = (c: number) => Math.round(255 + (c - 255) * 0.85 * t);
  return `rgb(${mix(r)},${mix(g)},${mix(b)})`;
}

function fmt(v: number): string {
  const a = Math.abs(v);
  if (a < 0.005) return '0.00';
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/**
 * A titled SVG grid inside `parent`. `onCell(row, col, event)` is called on clicks on a cell.
 */
export function createGridPanel(
  parent: HTMLElement,
  options: { title: string; cell?: number; onCell?: (row: number, col: number, event: MouseEvent) => void },
): GridPanel {
  const { title, cell = 44, onCell } = options;
  const root = document.createElement('figure');
  root.className = 'grid-panel';
  const heading = document.createElement('figcaption');
  heading.className = 'grid-title';
  heading.textContent = title;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', title);
  const caption = document.createElement('div');
  caption.className = 'grid-caption';
  root.append(heading, svg, caption);
  parent.append(root);
  let cols = 1;
  if (onCell) {
    svg.classList.add('editable');
    svg.addEventListener('click', (event) => {
      const target = (event.target as Element).closest('[data-cell]');
      if (!target) return;
      const s = Number(target.getAttribute('data-cell'));
      onCell(Math.floor(s / cols), s % cols, event);
    });
  }
  const draw = (frame: GridFrame) => {
    const { layout } = frame;
    const rows = layout.length;
    cols = (layout[0] ?? '').length;
    const w = cols * cell;
    const h = rows * cell;
    svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
    svg.setAttribute('width', String(w));
    svg.setAttribute('height', String(h));
    let scale = frame.scale ?? 0;
    if (frame.values && frame.scale === undefined) {
      for (let s = 0; s < rows * cols; s++) scale = Math.max(scale, Math.abs(frame.values[s] ?? 0));
    }
    const marked = new Set(Array.from(frame.marked ?? []));
    const parts: string[] = [];
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const s = r * cols + c;
        const ch = (layout[r] as string)[c] as string;
        const x = c * cell;
        const y = r * cell;
        let fill = '#ffffff';
        if (ch === '#') fill = '#57606a';
        else if (frame.values) fill = valueColor(frame.values[s] ?? 0, scale);
        else if (frame.heat) {
          const t = Math.min(1, Math.max(0, frame.heat[s] ?? 0));
          fill = `rgb(${Math.round(255 - 200 * t)},${Math.round(255 - 120 * t)},255)`;
        }
        parts.push(
          `<rect data-cell="${s}" x="${x + 0.5}" y="${y + 0.5}" width="${cell - 1}" height="${cell - 1}" fill="${fill}" stroke="${marked.has(s) ? '#cf222e' : '#d0d7de'}" stroke-width="${marked.has(s) ? 3 : 1}"/>`,
        );
        if (ch === '#') continue;
        const cx = x + cell / 2;
        const cy = y + cell / 2;
        if (ch === 'G' || ch === 'H') {
          parts.push(
            `<text x="${cx}" y="${cy + 5}" class="cell-mark" text-anchor="middle">${ch === 'G' ? 'G' : 'H'}</text>`,
          );
          continue;
        }
        if (ch === 'S') parts.push(`<text x="${x + 4}" y="${y + 11}" class="cell-start">S</text>`);
        const a = frame.policy?.[s];
        if (a !== undefined && a >= 0 && a < 4) {
          const [dx, dy] = ARROWS[a] as [number, number];
          const len = cell * 0.22;
          const ay = y + cell * 0.4;
          const x2 = cx + dx * len;
          const y2 = ay + dy * len;
          const x1 = cx - dx * len;
          const y1 = ay - dy * len;
          const hx = -dx * 4;
          const hy = -dy * 4;
          parts.push(
            `<path d="M${x1} ${y1}L${x2} ${y2}M${x2 + hx - dy * 3.5} ${y2 + hy + dx * 3.5}L${x2} ${y2}L${x2 + hx + dy * 3.5} ${y2 + hy - dx * 3.5}" class="arrow"/>`,
          );
        }
        const number = frame.values ? frame.values[s] : frame.counts?.[s];
        if (number !== undefined) {
          parts.push(
            `<text x="${cx}" y="${y + cell - 4}" class="cell-value" text-anchor="middle">${frame.values ? fmt(number) : String(number)}</text>`,
          );
        }
      }
    }
    const center = (s: number) => [(s % cols) * cell + cell / 2, Math.floor(s / cols) * cell + cell / 2];
    if (frame.trail && frame.trail.length > 1) {
      const points = frame.trail.map((s) => center(s).join(',')).join(' ');
      parts.push(`<polyline points="${points}" class="trail"/>`);
    }
    if (frame.agent !== undefined) {
      const [ax, ay] = center(frame.agent) as [number, number];
      parts.push(`<circle cx="${ax}" cy="${ay}" r="${cell * 0.22}" class="agent"/>`);
    }
    svg.innerHTML = parts.join('');
    caption.textContent = frame.caption ?? '';
  };
  return { root, draw };
}

/** CSS of the grid panels and the controls of the grid examples. */
export const gridCss = `
.panels { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }
.grid-panel { margin: 0; }
.grid-title { font-size: 13px; font-weight: 600; margin-bottom: 4px; }
.grid-panel svg { display: block; max-width: 100%; height: auto; font: 11px system-ui, sans-serif; }
.grid-panel svg.editable rect { cursor: pointer; }
.grid-caption { font-size: 12px; color: var(--dlf-example-muted, #57606a); min-height: 2.8em; font-variant-numeric: tabular-nums; max-width: 308px; }
.cell-value { fill: #1c1e21; font-size: 10px; pointer-events: none; }
.cell-mark { fill: #1c1e21; font-size: 15px; font-weight: 700; pointer-events: none; }
.cell-start { fill: #57606a; font-size: 10px; font-weight: 700; pointer-events: none; }
.arrow { stroke: #1c1e21; stroke-width: 1.6; fill: none; stroke-linecap: round; pointer-events: none; }
.trail { stroke: #bf8700; stroke-width: 2; fill: none; opacity: 0.7; pointer-events: none; }
.agent { fill: #bf8700; stroke: #ffffff; stroke-width: 2; pointer-events: none; }
.controls { display: flex; flex-wrap: wrap; gap: 6px 12px; align-items: center; font-size: 12px; margin: 6px 0 8px; }
.controls label { display: inline-flex; gap: 4px; align-items: center; }
.controls input[type='number'] { width: 4.5em; font: inherit; }
.controls select { font: inherit; }
.hint { font-size: 12px; color: var(--dlf-example-muted, #57606a); margin: 0 0 6px; }
`;
