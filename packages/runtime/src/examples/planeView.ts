/**
 * A canvas that shows labelled points in the plane and, behind them, a classifier's probability
 * field with its 0.5 level set: the drawing part of the 2-D classification examples. Plain canvas 2D,
 * no tfjs.
 */
export interface PlaneView {
  canvas: HTMLCanvasElement;
  /** The grid the field is evaluated on: `gridWidth * gridHeight` points, row-major, top row first. */
  grid: Float32Array;
  gridWidth: number;
  gridHeight: number;
  /** Redraws: the field `probs` (P(class 1) at each grid point, or undefined for none) and the points. */
  draw(probs?: ArrayLike<number>): void;
}

export interface PlaneViewOptions {
  /** The points, `[x0, y0, x1, y1, ...]`. */
  x: Float32Array;
  /** Their labels, 0 or 1. */
  y: ArrayLike<number>;
  /** The region drawn: `[xmin, xmax, ymin, ymax]`. */
  bounds: readonly [number, number, number, number];
  /** CSS pixels. Defaults: 360 by 270. */
  width?: number;
  height?: number;
  /** Field resolution in grid points along x. Default: 90. */
  gridWidth?: number;
}

const CLASS_RGB: readonly (readonly [number, number, number])[] = [
  [31, 119, 180],
  [230, 120, 20],
];

export function createPlaneView(container: HTMLElement, options: PlaneViewOptions): PlaneView {
  const { x, y, bounds, width = 360, height = 270, gridWidth = 90 } = options;
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
  canvas.setAttribute('aria-label', 'points of two classes and the classifier decision boundary');
  container.append(canvas);
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  const field = document.createElement('canvas');
  field.width = gridWidth;
  field.height = gridHeight;
  const fieldCtx = field.getContext('2d') as CanvasRenderingContext2D;

  const toPx = (px: number, py: number): [number, number] => [
    ((px - xmin) / (xmax - xmin)) * canvas.width,
    ((ymax - py) / (ymax - ymin)) * canvas.height,
  ];

  const draw = (probs?: ArrayLike<number>) => {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    if (probs) {
      const image = fieldCtx.createImageData(gridWidth, gridHeight);
      const [c0, c1] = CLASS_RGB as [readonly [number, number, number], readonly [number, number, number]];
      for (let i = 0; i < gridWidth * gridHeight; i++) {
        const p = Math.min(1, Math.max(0, probs[i] ?? 0.5));
        // Light tint of the predicted class, stronger with confidence.
        const strength = 0.15 + 0.3 * Math.abs(2 * p - 1);
        const base = p >= 0.5 ? c1 : c0;
        for (let k = 0; k < 3; k++)
          image.data[4 * i + k] = Math.round(255 - strength * (255 - (base[k] as number)));
        image.data[4 * i + 3] = 255;
      }
      fieldCtx.putImageData(image, 0, 0);
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(field, 0, 0, canvas.width, canvas.height);
      // The 0.5 level set: grid cells whose corners straddle 0.5.
      ctx.fillStyle = 'rgba(40, 40, 40, 0.9)';
      const cw = canvas.width / gridWidth;
      const ch = canvas.height / gridHeight;
      for (let r = 0; r + 1 < gridHeight; r++) {
        for (let c = 0; c + 1 < gridWidth; c++) {
          const a = (probs[r * gridWidth + c] ?? 0) >= 0.5;
          const b = (probs[r * gridWidth + c + 1] ?? 0) >= 0.5;
          const d = (probs[(r + 1) * gridWidth + c] ?? 0) >= 0.5;
          if (a !== b || a !== d)
            ctx.fillRect((c + 0.5) * cw, (r + 0.5) * ch, Math.max(1.5, cw), Math.max(1.5, ch));
        }
      }
    }
    const radius = 3 * dpr;
    ctx.lineWidth = dpr;
    ctx.strokeStyle = '#ffffff';
    for (let i = 0; i < y.length; i++) {
      const [px, py] = toPx(x[2 * i] as number, x[2 * i + 1] as number);
      const rgb = CLASS_RGB[(y[i] as number) === 1 ? 1 : 0] as readonly [number, number, number];
      ctx.fillStyle = `rgb(${rgb[0]}, ${rgb[1]}, ${rgb[2]})`;
      ctx.beginPath();
      ctx.arc(px, py, radius, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
    }
  };
  draw();
  return { canvas, grid, gridWidth, gridHeight, draw };
}
