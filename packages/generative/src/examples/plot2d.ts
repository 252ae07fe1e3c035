/**
 * A small canvas plot of a region of the plane, shared by the 2-D examples: points, segments and a
 * heat map on a grid, drawn in data coordinates. Plain canvas 2D, no tfjs.
 */
export interface Plot2d {
  readonly canvas: HTMLCanvasElement;
  /** Device pixels per CSS pixel of the canvas. */
  readonly dpr: number;
  /** The grid the heat map is evaluated on: `gridWidth * gridHeight` points `[x, y]`, row-major, top row first. */
  readonly grid: Float32Array;
  readonly gridWidth: number;
  readonly gridHeight: number;
  /** Canvas (device) pixels of a data point. */
  toPx(x: number, y: number): [number, number];
  /** Data point at canvas (device) pixels. */
  fromPx(px: number, py: number): [number, number];
  /** Fills the background white. */
  clear(): void;
  /** Draws `values` (one per grid point) with a white-to-colour ramp; values are scaled by their max. */
  heat(values: ArrayLike<number>, rgb?: readonly [number, number, number]): void;
  /** Draws the points `[x, y]` as discs. */
  dots(points: readonly ArrayLike<number>[], color: string, radius?: number): void;
  /** Draws a segment between two data points. */
  segment(a: ArrayLike<number>, b: ArrayLike<number>, color: string, width: number): void;
  /** Writes a label at the top left. */
  label(text: string): void;
}

export interface Plot2dOptions {
  /** `[xmin, xmax, ymin, ymax]`. */
  bounds: readonly [number, number, number, number];
  /** CSS pixels. Defaults: 300 by 300. */
  width?: number;
  height?: number;
  /** Heat-map resolution along x. Default: 60. */
  gridWidth?: number;
  /** Accessible description of the picture. */
  ariaLabel: string;
}

export function createPlot2d(container: HTMLElement, options: Plot2dOptions): Plot2d {
  const { bounds, width = 300, height = 300, gridWidth = 60, ariaLabel } = options;
  const [xmin, xmax, ymin, ymax] = bounds;
  const gridHeight = Math.max(2, Math.round((gridWidth * height) / width));
  const grid = new Float32Array(gridWidth * gridHeight * 2);
  for (let r = 0; r < gridHeight; r++) {
    for (let c = 0; c < gridWidth; c++) {
      const i = r * gridWidth + c;
      grid[2 * i] = xmin + ((c + 0.5) / gridWidth) * (xmax - xmin);
      grid[2 * i + 1] = ymax - ((r + 0.5) / gridHeight) * (ymax - ymin);
    }
  }
  const dpr = Math.min(2, globalThis.devicePixelRatio || 1);
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  canvas.style.width = `${width}px`;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', ariaLabel);
  container.append(canvas);
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  const field = document.createElement('canvas');
  field.width = gridWidth;
  field.height = gridHeight;
  const fieldCtx = field.getContext('2d') as CanvasRenderingContext2D;

  const toPx = (x: number, y: number): [number, number] => [
    ((x - xmin) / (xmax - xmin)) * canvas.width,
    ((ymax - y) / (ymax - ymin)) * canvas.height,
  ];
  const fromPx = (px: number, py: number): [number, number] => [
    xmin + (px / canvas.width) * (xmax - xmin),
    ymax - (py / canvas.height) * (ymax - ymin),
  ];
  return {
    canvas,
    dpr,
    grid,
    gridWidth,
    gridHeight,
    toPx,
    fromPx,
    clear() {
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(0, 0, canvas.width, canvas.height);
    },
    heat(values, rgb = [46, 133, 85]) {
      let max = 0;
      for (let i = 0; i < gridWidth * gridHeight; i++) {
        const v = values[i] as number;
        if (Number.isFinite(v) && v > max) max = v;
      }
      const image = fieldCtx.createImageData(gridWidth, gridHeight);
      for (let i = 0; i < gridWidth * gridHeight; i++) {
        const v = values[i] as number;
        const t = max > 0 && Number.isFinite(v) ? Math.min(1, Math.max(0, v / max)) : 0;
        for (let k = 0; k < 3; k++) image.data[4 * i + k] = Math.round(255 - t * (255 - (rgb[k] as number)));
        image.data[4 * i + 3] = 255;
      }
      fieldCtx.putImageData(image, 0, 0);
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(field, 0, 0, canvas.width, canvas.height);
    },
    dots(points, color, radius = 2.2) {
      ctx.fillStyle = color;
      for (const p of points) {
        const [px, py] = toPx(p[0] as number, p[1] as number);
        ctx.beginPath();
        ctx.arc(px, py, radius * dpr, 0, 2 * Math.PI);
        ctx.fill();
      }
    },
    segment(a, b, color, lineWidth) {
      const [x0, y0] = toPx(a[0] as number, a[1] as number);
      const [x1, y1] = toPx(b[0] as number, b[1] as number);
      ctx.strokeStyle = color;
      ctx.lineWidth = lineWidth * dpr;
      ctx.beginPath();
      ctx.moveTo(x0, y0);
      ctx.lineTo(x1, y1);
      ctx.stroke();
    },
    label(text) {
      ctx.font = `${12 * dpr}px system-ui, sans-serif`;
      ctx.fillStyle = 'rgba(255, 255, 255, 0.8)';
      const w = ctx.measureText(text).width;
      ctx.fillRect(2 * dpr, 2 * dpr, w + 8 * dpr, 17 * dpr);
      ctx.fillStyle = '#1c1e21';
      ctx.fillText(text, 6 * dpr, 15 * dpr);
    },
  };
}
