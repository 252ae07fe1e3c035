/**
 * A canvas the reader draws a digit on with the mouse, a pen or a finger (plain DOM, no tfjs), and
 * its conversion to the format of the 8x8 digits of `loadDigits`.
 */

/** A drawing pad: its canvas, `clear()`, `drawDefault()` and a hook called after each stroke. */
export interface DrawingPad {
  canvas: HTMLCanvasElement;
  clear(): void;
  /** Draws the built-in digit (a hand-drawn-looking "3"), after clearing. */
  drawDefault(): void;
  /** Called when a stroke ends; set by whoever wants to react to drawings. */
  onStroke: (() => void) | undefined;
  /** Whether anything is drawn. */
  isEmpty(): boolean;
}

const SIDE = 168;
const PEN = 15;

/** A "3" as two strokes in pad coordinates (0..168), slightly uneven like a hand-drawn one. */
const DEFAULT_STROKES: [number, number][][] = [
  [
    [52, 40],
    [66, 28],
    [88, 24],
    [108, 30],
    [116, 46],
    [110, 64],
    [94, 76],
    [76, 82],
  ],
  [
    [76, 82],
    [98, 86],
    [116, 100],
    [120, 120],
    [108, 138],
    [86, 146],
    [64, 142],
    [48, 128],
  ],
];

/** Creates a drawing pad in `parent`. */
export function createDrawingPad(parent: HTMLElement): DrawingPad {
  const canvas = document.createElement('canvas');
  canvas.width = SIDE;
  canvas.height = SIDE;
  canvas.className = 'ss-pad';
  parent.append(canvas);
  const ctx = canvas.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;
  let empty = true;
  const pen = () => {
    ctx.strokeStyle = '#000000';
    ctx.lineWidth = PEN;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
  };
  const pad: DrawingPad = {
    canvas,
    onStroke: undefined,
    clear() {
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(0, 0, SIDE, SIDE);
      empty = true;
    },
    drawDefault() {
      pad.clear();
      pen();
      for (const stroke of DEFAULT_STROKES) {
        ctx.beginPath();
        stroke.forEach(([x, y], i) => {
          if (i === 0) ctx.moveTo(x, y);
          else ctx.lineTo(x, y);
        });
        ctx.stroke();
      }
      empty = false;
    },
    isEmpty: () => empty,
  };
  let drawing = false;
  const point = (e: PointerEvent): [number, number] => {
    const r = canvas.getBoundingClientRect();
    return [
      ((e.clientX - r.left) * SIDE) / (r.width || SIDE),
      ((e.clientY - r.top) * SIDE) / (r.height || SIDE),
    ];
  };
  canvas.addEventListener('pointerdown', (e) => {
    drawing = true;
    canvas.setPointerCapture?.(e.pointerId);
    pen();
    const [x, y] = point(e);
    ctx.beginPath();
    ctx.moveTo(x, y);
    ctx.lineTo(x + 0.01, y);
    ctx.stroke();
    empty = false;
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!drawing) return;
    const [x, y] = point(e);
    ctx.lineTo(x, y);
    ctx.stroke();
  });
  const end = () => {
    if (!drawing) return;
    drawing = false;
    pad.onStroke?.();
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  pad.drawDefault();
  return pad;
}

/**
 * The drawing in the format of the 8x8 digits (UCI optdigits, as in `loadDigits`): the ink's bounding
 * box is scaled, keeping its aspect ratio, so that its longer side spans a 32x32 bitmap, centred;
 * each 4x4 block's mean ink becomes one of the 64 pixels, in [0, 1] (optdigits counts the set pixels
 * of each block, 0..16, and `loadDigits` divides by 16). All zeros for an empty pad.
 */
export function padToDigit(pad: DrawingPad): Float32Array {
  const src = pad.canvas.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;
  const { data } = src.getImageData(0, 0, SIDE, SIDE);
  let top = SIDE;
  let left = SIDE;
  let bottom = -1;
  let right = -1;
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      if ((data[4 * (y * SIDE + x)] as number) < 128) {
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
        left = Math.min(left, x);
        right = Math.max(right, x);
      }
    }
  }
  const out = new Float32Array(64);
  if (bottom < 0) return out;
  const bw = right - left + 1;
  const bh = bottom - top + 1;
  const scale = 32 / Math.max(bw, bh);
  const dw = bw * scale;
  const dh = bh * scale;
  const small = document.createElement('canvas');
  small.width = 32;
  small.height = 32;
  const ctx = small.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, 32, 32);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(pad.canvas, left, top, bw, bh, (32 - dw) / 2, (32 - dh) / 2, dw, dh);
  const bitmap = ctx.getImageData(0, 0, 32, 32).data;
  for (let by = 0; by < 8; by++) {
    for (let bx = 0; bx < 8; bx++) {
      let ink = 0;
      for (let y = 0; y < 4; y++)
        for (let x = 0; x < 4; x++) ink += 1 - (bitmap[4 * ((4 * by + y) * 32 + 4 * bx + x)] as number) / 255;
      out[by * 8 + bx] = ink / 16;
    }
  }
  return out;
}
